// The secretary's console: meetings, attendance with a live quorum indicator, votes (names
// pasted and shown in stroke order before saving), opening and closing, live turnout
// (发出 / 收回 — nothing else about the ballots exists before close), and run-offs after a tie.
//
// The close of a version-2 vote takes the room (src/votes/close.ts): 结束投票并计票 prepares it,
// the members' phones confirm their ballots are in, the secretary sends it to the inspectors
// (监票人, designated here for the meeting) with 提交监票人签字, and the last inspector's
// signature publishes it. The card follows each step as the page polls.
import { hasQuorum } from '../../protocol/ballot.ts';
import type { Tally } from '../../protocol/tally.ts';
import { ApiError, recordGet, type Session } from '../api.ts';
import { h, put } from '../dom.ts';
import { L, stateLabel } from '../i18n.ts';
import type { Attendance, Closing, Committee, Meeting, Member, TallyReply, Vote, VoteStatus } from '../types.ts';
import { errorText, notice, poll } from '../ui.ts';
import { signedInPage } from '../signed-in.ts';
import { linkBase } from '../site.ts';
import { describeOutcome } from '../outcome.ts';
import { candidatesOf, renderPreview } from './secretary/candidate-preview.ts';
import { inspectorPicker } from './secretary/inspector-picker.ts';
import { itemsSummary, meetingState, setProgress, setTurnout, setWaiting, shapedOutcome } from './secretary/vote-parts.ts';
import { newSlipsMeetingForm, slipsMeetingSections } from './secretary/slips-meeting.ts';
import { compositePanel } from './secretary/composite.ts';

const TURNOUT_MS = 1000;
/** The reason offered when a meeting of participants' close is sent on without confirmations. */
const SLIPS_UNCONFIRMED_REASON = () =>
  L('凭条参会者无登记设备，选票不作设备确认。', 'Participants holding slips have no enrolled device; their ballots are not confirmed by a device.');

export const mountSecretary = signedInPage(runSecretary);

function runSecretary(root: HTMLElement, session: Session, params: URLSearchParams): () => void {
  /**
   * A share link for a closed vote (issue 12): the observer page's address with a capability that
   * opens this vote's record to an outsider, shown once (the service keeps only its hash).
   */
  async function makeShareLink(voteId: string, msg: HTMLElement): Promise<void> {
    try {
      const made = await session.post<{ observerPath: string }>(`/v1/votes/${voteId}/shares`);
      const link = `${(await linkBase()).replace(/\/+$/, '')}/${made.observerPath}`;
      put(
        msg,
        h(
          'div',
          { class: 'notice info share-made' },
          h('p', null, L('分享链接（仅显示这一次，可由秘书或管理员撤销）：', 'Share link (shown this once; a secretary or administrator can revoke it):')),
          h('input', { class: 'share-url', readonly: true, value: link, 'aria-label': L('分享链接', 'Share link') }),
        ),
      );
    } catch (e) {
      put(msg, notice('error', errorText(e)));
    }
  }

  let committees: Committee[] = [];
  let committeeId = params.get('committee') ?? undefined;
  let meetingId = params.get('meeting') ?? undefined;
  /** The 三元测评 composites of the committee on the panel instead of a meeting (issue 15). */
  let composites = params.get('view') === 'composite';
  let stopTurnout: (() => void) | undefined;
  const side = h('section', { class: 'card meetings' });
  const panel = h('div', { class: 'meeting-panel' });
  put(root, h('div', { class: 'secretary' }, side, panel));

  const committee = () => committees.find((c) => c.id === committeeId);

  function remember(): void {
    const q = new URLSearchParams();
    if (committeeId) q.set('committee', committeeId);
    if (meetingId) q.set('meeting', meetingId);
    if (composites) q.set('view', 'composite');
    // replaceState does not fire hashchange: the page stays mounted.
    history.replaceState(null, '', `#/secretary?${q}`);
  }

  async function start(): Promise<void> {
    try {
      committees = (await session.get<{ committees: Committee[] }>('/v1/committees')).committees.filter((c) => session.me.secretaryOf.includes(c.id));
    } catch (e) {
      put(side, notice('error', errorText(e)));
      return;
    }
    if (committees.length === 0) {
      put(
        side,
        h('h1', { class: 'page-title' }, L('秘书', 'Secretary')),
        notice('info', L(`${session.me.name}：您不是任何委员会的秘书。`, `${session.me.name}: you are not the secretary of any committee.`)),
        h('a', { href: '#/member' }, L('去投票页面 →', 'Go to the voting page →')),
      );
      return;
    }
    if (!committees.some((c) => c.id === committeeId)) committeeId = committees[0]!.id;
    await showMeetings();
    if (composites) await showComposites();
    else if (meetingId) await showMeeting();
  }

  async function showComposites(): Promise<void> {
    stopTurnout?.();
    stopTurnout = undefined;
    put(panel, h('p', { class: 'hint' }, L('正在读取…', 'Loading…')));
    put(panel, await compositePanel(session, committee()!));
  }

  async function showMeetings(msg?: HTMLElement): Promise<void> {
    const c = committee()!;
    let meetings: Meeting[] = [];
    try {
      meetings = (await session.get<{ meetings: Meeting[] }>(`/v1/committees/${c.id}/meetings`)).meetings;
    } catch (e) {
      msg = notice('error', errorText(e));
    }
    const title = h('input', {
      name: 'meeting-title',
      placeholder: L('如：第12次常委会', 'e.g. 12th standing committee meeting'),
      'aria-label': L('会议名称', 'Meeting title'),
    });
    put(
      side,
      h('div', { class: 'who' }, h('strong', null, session.me.name), ` · ${L('秘书', 'Secretary')}`),
      committees.length > 1 ? h('h1', { class: 'page-title' }, L('秘书', 'Secretary')) : null,
      committees.length > 1
        ? h(
            'select',
            {
              'aria-label': L('委员会', 'Committee'),
              onchange: (ev: Event) => {
                committeeId = (ev.target as HTMLSelectElement).value;
                meetingId = undefined;
                composites = false;
                remember();
                put(panel);
                void showMeetings();
              },
            },
            committees.map((x) => h('option', { value: x.id, selected: x.id === committeeId }, x.name)),
          )
        : h('h1', { class: 'page-title' }, c.name),
      h(
        'p',
        { class: 'hint' },
        L(
          `应到 ${c.entitled} 人 · 法定人数 ${c.rules.quorum.num}/${c.rules.quorum.den}`,
          `Entitled ${c.entitled} · quorum ${c.rules.quorum.num}/${c.rules.quorum.den}`,
        ),
      ),
      h('h3', null, L('会议', 'Meetings')),
      h(
        'ul',
        { class: 'meeting-list' },
        meetings.map((m) =>
          h(
            'li',
            null,
            h(
              'button',
              {
                type: 'button',
                class: `meeting-link ${m.id === meetingId ? 'current' : ''}`,
                'data-kind': m.kind,
                onclick: () => {
                  meetingId = m.id;
                  composites = false;
                  remember();
                  void showMeetings();
                  void showMeeting();
                },
              },
              m.title,
              m.kind === 'slips' ? h('span', { class: 'tag' }, L('凭条', 'Slips')) : null,
              h('span', { class: `badge ${m.state}` }, meetingState(m.state)),
            ),
          ),
        ),
      ),
      h(
        'form',
        {
          class: 'new-meeting',
          onsubmit: async (ev: Event) => {
            ev.preventDefault();
            if (!title.value.trim()) return;
            try {
              const m = await session.post<Meeting>(`/v1/committees/${c.id}/meetings`, { title: title.value.trim() });
              meetingId = m.id;
              composites = false;
              remember();
              await showMeetings();
              await showMeeting();
            } catch (e) {
              await showMeetings(notice('error', errorText(e)));
            }
          },
        },
        h('label', null, L('新建会议', 'New meeting'), title),
        h('button', { type: 'submit', class: 'primary' }, L('新建', 'Create')),
      ),
      // Issue 15: a meeting of participants holding slips, and the committee's 三元测评 composites.
      newSlipsMeetingForm(session, c, async (m) => {
        meetingId = m.id;
        composites = false;
        remember();
        await showMeetings();
        await showMeeting();
      }),
      h(
        'button',
        {
          type: 'button',
          class: `composites-link ${composites ? 'current' : ''}`,
          onclick: () => {
            composites = true;
            meetingId = undefined;
            remember();
            void showMeetings();
            void showComposites();
          },
        },
        L('三元测评综合评价', 'Composite evaluations (三元测评)'),
      ),
      msg,
    );
  }

  async function showMeeting(): Promise<void> {
    stopTurnout?.();
    stopTurnout = undefined;
    const c = committee()!;
    let meeting: Meeting, members: Member[], attendance: Attendance, votes: Vote[], inspectors: string[];
    try {
      [meeting, members, attendance, votes, inspectors] = await Promise.all([
        session.get<Meeting>(`/v1/meetings/${meetingId}`),
        session.get<{ members: Member[] }>(`/v1/committees/${c.id}/members`).then((r) => r.members),
        session.get<Attendance>(`/v1/meetings/${meetingId}/attendance`),
        session.get<{ votes: Vote[] }>(`/v1/meetings/${meetingId}/votes`).then((r) => r.votes),
        session.get<{ inspectors: string[] }>(`/v1/meetings/${meetingId}/inspectors`).then((r) => r.inspectors),
      ]);
    } catch (e) {
      put(panel, notice('error', errorText(e)));
      return;
    }
    const meetingMsg = h('div');
    let inspectorsEl = inspectorsSection(meeting, members, attendance, inspectors);
    const act = (path: string) => async () => {
      try {
        await session.post(path);
        await showMeetings();
        await showMeeting();
      } catch (e) {
        put(meetingMsg, notice('error', errorText(e)));
      }
    };
    put(
      panel,
      h(
        'section',
        { class: 'card meeting', 'data-meeting-id': meeting.id },
        h(
          'div',
          { class: 'vote-title' },
          h('h2', null, meeting.title),
          meeting.kind === 'slips'
            ? h('span', { class: 'tag slips-kind' }, L(`凭条参会 · 应到 ${meeting.entitled}`, `Participants with slips · entitled ${meeting.entitled}`))
            : null,
          h('span', { class: `badge ${meeting.state}` }, meetingState(meeting.state)),
        ),
        h(
          'div',
          { class: 'row' },
          meeting.state === 'draft'
            ? h('button', { type: 'button', class: 'primary open-meeting', onclick: act(`/v1/meetings/${meeting.id}/open`) }, L('宣布开会', 'Open the meeting'))
            : null,
          meeting.state === 'open'
            ? h('button', { type: 'button', class: 'close-meeting', onclick: act(`/v1/meetings/${meeting.id}/close`) }, L('宣布散会', 'Close the meeting'))
            : null,
        ),
        meetingMsg,
      ),
      meeting.kind === 'slips'
        ? slipsMeetingSections({
            session,
            committee: c,
            meeting,
            members,
            inspectors,
            votes: votesSection(c, meeting, votes, members, attendance),
            refresh: showMeeting,
          })
        : committeeMeetingSections(),
    );

    function committeeMeetingSections(): (HTMLElement | null)[] {
      return [
        attendanceSection(c, meeting, members, attendance, () => {
          // The inspectors are chosen among the members present: offer the ones just recorded.
          const fresh = inspectorsSection(meeting, members, attendance, inspectors);
          inspectorsEl.replaceWith(fresh);
          inspectorsEl = fresh;
        }),
        inspectorsEl,
        meetingResults(votes),
        votesSection(c, meeting, votes, members, attendance),
        meeting.state !== 'closed' ? newVoteSection(c, meeting) : null,
      ];
    }
  }

  /**
   * 本次会议表决结果: one line per closed vote of the meeting, in the order held — its title, each
   * item's result in one sentence, and its result sheet. Null while no vote is closed.
   */
  function meetingResults(votes: Vote[]): HTMLElement | null {
    const closed = votes.filter((v) => v.state === 'closed').sort((a, b) => (a.closedSeq ?? 0) - (b.closedSeq ?? 0));
    if (closed.length === 0) return null;
    const list = h('ol', { class: 'meeting-results-list' });
    const section = h(
      'section',
      { class: 'card meeting-results', 'data-closed': closed.length },
      h('h3', null, L('本次会议表决结果', 'Results of this meeting')),
      list,
    );
    for (const vote of closed) {
      const line = h('li', { class: 'meeting-result', 'data-vote-id': vote.id }, h('strong', { class: 'meeting-result-title' }, vote.title), L('：', ': '));
      list.append(line);
      const report = `#/projector?committee=${vote.committeeId}&vote=${vote.id}&full=1&report=1`;
      recordGet<TallyReply>(`/v1/votes/${vote.id}/tally`).then(
        ({ tally }) => {
          line.append(
            // Plain text in the line (the card's big .item-outcome style is for one vote's result).
            ...vote.definition.items.flatMap((item) => {
              const it = tally.items.find((x) => x.itemId === item.itemId);
              return it ? [' ', h('span', { class: 'result-sentence' }, describeOutcome(item, it).sentence)] : [];
            }),
            ' ',
            h('a', { class: 'report-link', href: report, target: '_blank', rel: 'noopener' }, L('计票结果报告单', 'Official result sheet')),
          );
          line.dataset.loaded = 'true';
        },
        (e) => line.append(notice('error', errorText(e))),
      );
    }
    return section;
  }

  function attendanceSection(c: Committee, meeting: Meeting, members: Member[], attendance: Attendance, onSaved: () => void): HTMLElement {
    const eligible = members.filter((m) => m.active && m.votingRight);
    // The one quorum rule (src/protocol/ballot.ts), over the service's own 应到 for this meeting.
    const entitled = attendance.entitled;
    const required = attendance.quorumRequired;
    const boxes = new Map<string, HTMLInputElement>();
    const indicator = h('p', { class: 'quorum', 'aria-live': 'polite' });
    const msg = h('div');
    // What the service has recorded; ticks that differ from it are only on this screen.
    let saved = new Set(attendance.presentMemberIds);
    const update = () => {
      const ticked = [...boxes.entries()].filter(([, b]) => b.checked).map(([id]) => id);
      const n = ticked.length;
      const unsaved = n !== saved.size || ticked.some((id) => !saved.has(id));
      const met = entitled > 0 && hasQuorum(n, entitled, c.rules.quorum);
      indicator.className = `quorum ${unsaved ? 'unsaved' : met ? 'met' : 'not-met'}`;
      indicator.dataset.present = String(n);
      indicator.dataset.unsaved = String(unsaved);
      const verdict = met
        ? L('已达法定人数', 'quorum met')
        : L(`未达法定人数（还差 ${Math.max(1, required - n)} 人）`, `no quorum (${Math.max(1, required - n)} short)`);
      put(
        indicator,
        h('span', { class: 'big-number' }, L(`实到 ${n}`, `Present ${n}`)),
        ` / ${L(`应到 ${entitled}`, `entitled ${entitled}`)} · ${L(`法定人数 ${required}`, `quorum ${required}`)} · `,
        unsaved
          ? h(
              'strong',
              null,
              h('span', { class: 'badge unsaved' }, L('未保存', 'Not saved')),
              ' ',
              L(`勾选人数${verdict}，请点“登记实到”保存`, `ticked: ${verdict}; press Record attendance to save`),
            )
          : h('strong', null, met ? `✓ ${verdict}` : `✗ ${verdict}`),
      );
    };
    const list = h(
      'ul',
      { class: 'attendance-list' },
      eligible.map((m) => {
        const box = h('input', {
          type: 'checkbox',
          value: m.memberId,
          checked: attendance.presentMemberIds.includes(m.memberId),
          disabled: meeting.state === 'closed',
          onchange: update,
        });
        boxes.set(m.memberId, box);
        return h('li', null, h('label', { class: 'check' }, box, h('span', null, m.name)));
      }),
    );
    update();
    return h(
      'section',
      { class: 'card attendance' },
      h('h3', null, L('登记到会（实到）', 'Attendance (present)')),
      indicator,
      list,
      meeting.state === 'closed'
        ? null
        : h(
            'div',
            { class: 'row' },
            h(
              'button',
              {
                type: 'button',
                onclick: () => {
                  const all = [...boxes.values()].every((b) => b.checked);
                  for (const b of boxes.values()) b.checked = !all;
                  update();
                },
              },
              L('全选 / 全不选', 'All / none'),
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'primary save-attendance',
                onclick: async () => {
                  const present = [...boxes.entries()].filter(([, b]) => b.checked).map(([id]) => id);
                  try {
                    const a = await session.put<Attendance>(`/v1/meetings/${meeting.id}/attendance`, { present });
                    saved = new Set(a.presentMemberIds);
                    // The votes' "no token yet" lists read the recorded attendance from here.
                    Object.assign(attendance, a);
                    update();
                    onSaved();
                    put(
                      msg,
                      notice(
                        'ok',
                        L(
                          `已登记：实到 ${a.present} / 应到 ${a.entitled}${a.quorumMet ? '，已达法定人数' : '，未达法定人数'}。`,
                          `Recorded: ${a.present} of ${a.entitled} present${a.quorumMet ? ', quorum met' : ', no quorum'}.`,
                        ),
                      ),
                    );
                  } catch (e) {
                    put(msg, notice('error', errorText(e)));
                  }
                },
              },
              L('登记实到', 'Record attendance'),
            ),
          ),
      msg,
    );
  }

  /**
   * 监票人: the meeting's inspectors, chosen among the members recorded present (usually two).
   * They check each close on their phones and sign it; a later designation replaces this one.
   */
  function inspectorsSection(meeting: Meeting, members: Member[], attendance: Attendance, current: string[]): HTMLElement {
    const present = members.filter((m) => m.active && m.votingRight && attendance.presentMemberIds.includes(m.memberId));
    const picker = inspectorPicker({
      names: new Map(members.map((m) => [m.memberId, m.name])),
      eligible: present,
      inspectors: current,
      closed: meeting.state === 'closed',
      none: L(
        '尚未指定监票人。每项表决须经监票人在手机上核验并签字后才公布结果。',
        'No inspectors yet. Each vote’s result is published only once its inspectors have checked and signed it on their phones.',
      ),
      designate: async (chosen) => {
        await session.put(`/v1/meetings/${meeting.id}/inspectors`, { inspectors: chosen });
        await showMeeting();
      },
    });
    return h(
      'section',
      { class: 'card inspectors', 'data-inspectors': current.length },
      h('h3', null, L('监票人', 'Inspectors (监票人)')),
      picker.current,
      meeting.state === 'closed'
        ? null
        : present.length === 0
          ? h(
              'p',
              { class: 'hint' },
              L(
                '登记实到后，从出席的委员中指定监票人（通常两名）。',
                'Once attendance is recorded, designate inspectors among the members present (usually two).',
              ),
            )
          : [
              h(
                'p',
                { class: 'hint' },
                L(
                  '从出席的委员中勾选监票人（通常两名）。重新指定会替换原来的监票人，并记入公开记录。',
                  'Tick the inspectors among the members present (usually two). A new designation replaces the earlier one and is recorded publicly.',
                ),
              ),
              picker.list,
              picker.count,
              h('div', { class: 'row' }, picker.button),
            ],
      picker.msg,
    );
  }

  function votesSection(c: Committee, meeting: Meeting, votes: Vote[], members: Member[], attendance: Attendance): HTMLElement {
    const turnoutEls = new Map<string, HTMLElement>();
    const waitingEls = new Map<string, HTMLElement>();
    const progressEls = new Map<string, HTMLElement>();
    const names = new Map(members.map((m) => [m.memberId, m.name]));
    const states = new Map(votes.map((v) => [v.id, v.state]));
    const section = h('section', { class: 'card votes-admin' }, h('h3', null, L('表决', 'Votes')));
    if (votes.length === 0) section.append(h('p', { class: 'hint' }, L('尚无表决。', 'No vote yet.')));
    for (const vote of votes) {
      const turnout = h('p', { class: 'turnout', 'data-vote-id': vote.id });
      setTurnout(turnout, vote.turnout);
      turnoutEls.set(vote.id, turnout);
      const msg = h('div');
      const act = (path: string) => async () => {
        try {
          await session.post(path);
          await showMeeting();
        } catch (e) {
          put(msg, notice('error', errorText(e)));
        }
      };
      // Closing with ballots outstanding is allowed (a member may abstain from casting), but
      // never by a slip of the finger: say how many are out and ask again.
      const closeVote = async () => {
        let t: { issued: number; returned: number };
        try {
          t = (await recordGet<VoteStatus>(`/v1/votes/${vote.id}/status`)).turnout;
        } catch (e) {
          put(msg, notice('error', errorText(e)));
          return;
        }
        if (t.returned >= t.issued) return act(`/v1/votes/${vote.id}/close`)();
        const outstanding = t.issued - t.returned;
        put(
          msg,
          h(
            'div',
            { class: 'notice warn close-confirm', role: 'alertdialog', 'aria-labelledby': `close-confirm-${vote.id}`, 'data-outstanding': outstanding },
            h(
              'p',
              { id: `close-confirm-${vote.id}` },
              L(
                `还有 ${outstanding} 张选票未收回（发出 ${t.issued}，收回 ${t.returned}）。结束后这些选票不再计入。确定结束投票并计票吗？`,
                `${outstanding} ballot${outstanding > 1 ? 's are' : ' is'} not returned yet (issued ${t.issued}, returned ${t.returned}); they will not be counted once the vote closes. Close and count now?`,
              ),
            ),
            h(
              'div',
              { class: 'row' },
              h(
                'button',
                { type: 'button', class: 'danger confirm-close', onclick: act(`/v1/votes/${vote.id}/close`) },
                L('确认结束并计票', 'Close and count'),
              ),
              h('button', { type: 'button', class: 'cancel-close', onclick: () => put(msg) }, L('继续等待', 'Keep waiting')),
            ),
          ),
        );
      };
      const waiting = h('div', { class: 'not-fetched', 'data-vote-id': vote.id, 'aria-live': 'polite' });
      // A meeting of participants has no roster of voters to wait for: its phones hold slips.
      const slips = meeting.kind === 'slips';
      if ((vote.state === 'draft' || vote.state === 'open') && !slips) waitingEls.set(vote.id, waiting);
      const closing = vote.state === 'confirming' || vote.state === 'countersigning';
      const progress = closing
        ? h(
            'div',
            { class: 'close-progress', 'data-vote-id': vote.id, 'data-state': vote.state, 'aria-live': 'polite' },
            h('p', { class: 'hint' }, L('正在读取计票进度…', 'Reading the close’s progress…')),
          )
        : null;
      if (progress) progressEls.set(vote.id, progress);
      const projector = `#/projector?committee=${c.id}&vote=${vote.id}&full=1`;
      const card = h(
        'div',
        { class: `vote-admin state-${vote.state}`, 'data-vote-id': vote.id, 'data-state': vote.state },
        h('div', { class: 'vote-title' }, h('h4', null, vote.title), h('span', { class: `badge ${vote.state}` }, stateLabel(vote.state))),
        itemsSummary(vote.definition),
        turnout,
        closing || slips ? null : waiting,
        progress,
        vote.state === 'confirming' ? sealBox(vote, msg, slips) : null,
        h(
          'div',
          { class: 'row' },
          vote.state === 'draft'
            ? h(
                'button',
                { type: 'button', class: 'primary open-vote', disabled: meeting.state !== 'open', onclick: act(`/v1/votes/${vote.id}/open`) },
                L('开始投票', 'Open vote'),
              )
            : null,
          vote.state === 'open'
            ? h('button', { type: 'button', class: 'danger close-vote', onclick: closeVote }, L('结束投票并计票', 'Close and count'))
            : null,
          h('a', { class: 'button projector-link', href: projector, target: '_blank', rel: 'noopener' }, L('大屏显示', 'Projector')),
          vote.state === 'closed'
            ? h('button', { type: 'button', class: 'share-record', onclick: () => void makeShareLink(vote.id, msg) }, L('生成分享链接', 'Share link'))
            : null,
        ),
        meeting.state === 'draft' && vote.state === 'draft'
          ? h('p', { class: 'hint' }, L('开会后才能开始投票。', 'Open the meeting before opening a vote.'))
          : null,
        msg,
      );
      if (vote.state === 'closed') void showOutcome(vote, card, msg, !votes.some((v) => v.runoffOf === vote.id));
      section.append(card);
    }
    // Live turnout: the only thing published about a vote before it closes. Beside it, by
    // name, the present members whose phones have not fetched a token yet.
    const live = votes.filter((v) => v.state !== 'closed');
    if (live.length > 0) {
      stopTurnout = poll(async () => {
        for (const v of live) {
          const s = await recordGet<VoteStatus>(`/v1/votes/${v.id}/status`);
          setTurnout(turnoutEls.get(v.id)!, s.turnout);
          const waitingEl = waitingEls.get(v.id);
          if (waitingEl) {
            const issued = await session.get<{ memberIds: string[] }>(`/v1/votes/${v.id}/issuances`);
            const present = attendance.presentMemberIds;
            setWaiting(waitingEl, present.length === 0 ? undefined : present.filter((id) => !issued.memberIds.includes(id)).map((id) => names.get(id) ?? id));
          }
          const progressEl = progressEls.get(v.id);
          if (progressEl && s.state === states.get(v.id)) setProgress(progressEl, await session.get<Closing>(`/v1/votes/${v.id}/closing`), names);
          if (s.state !== states.get(v.id)) {
            states.set(v.id, s.state);
            await showMeeting();
            return;
          }
        }
      }, TURNOUT_MS);
    }
    return section;
  }

  /**
   * 提交监票人签字: the secretary seals the members' confirmations for the inspectors. With
   * ballots still unconfirmed the service refuses (confirmations_missing); the box then says how
   * many, and the secretary may wait or give the reason, which is recorded as a decision the
   * inspectors countersign with the rest.
   */
  function sealBox(vote: Vote, msg: HTMLElement, slips: boolean): HTMLElement {
    const box = h('div', { class: 'seal-box' });
    const seal = async (unconfirmedReason?: string) => {
      try {
        await session.post(`/v1/votes/${vote.id}/seal`, unconfirmedReason === undefined ? {} : { unconfirmedReason });
        await showMeeting();
      } catch (e) {
        if (e instanceof ApiError && e.code === 'confirmations_missing') {
          let view: Closing | undefined;
          try {
            view = await session.get<Closing>(`/v1/votes/${vote.id}/closing`);
          } catch {
            // the counts are only for the sentence below
          }
          put(msg);
          put(box, reasonForm(view, seal, slips ? SLIPS_UNCONFIRMED_REASON() : ''));
          return;
        }
        put(msg, notice('error', errorText(e)));
      }
    };
    put(
      box,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'primary seal', onclick: () => void seal() }, L('提交监票人签字', 'Send to the inspectors')),
      ),
      h(
        'p',
        { class: 'hint' },
        slips
          ? L(
              '凭条参会者没有登记设备，选票不作设备确认：提交时写明原因（已预填，可修改），监票人全部签字后公布结果。',
              'Participants holding slips have no enrolled device, so their ballots are not confirmed: give the reason when sending (filled in, editable); the result is published when every inspector has signed.',
            )
          : L(
              '投票委员的手机会自动核对本人选票并确认。全部确认后提交监票人签字；监票人全部签字后公布结果。',
              'The members’ phones check their own ballots and confirm by themselves. Once all have confirmed, send the result to the inspectors; it is published when every inspector has signed.',
            ),
      ),
    );
    return box;
  }

  function reasonForm(view: Closing | undefined, seal: (reason?: string) => Promise<void>, suggested: string): HTMLElement {
    const ballots = view?.prepared.ballots.length;
    const confirmed = view?.confirmations.length;
    const missing = ballots !== undefined && confirmed !== undefined ? Math.max(0, ballots - confirmed) : undefined;
    const reason = h('textarea', {
      name: 'unconfirmed-reason',
      class: 'unconfirmed-reason',
      rows: '3',
      maxlength: '500',
      value: suggested,
      'aria-label': L('未确认的原因', 'Reason for the unconfirmed ballots'),
    });
    const error = h('div');
    return h(
      'div',
      {
        class: 'notice warn unconfirmed',
        role: 'alertdialog',
        'aria-label': L('有选票未获确认', 'Ballots without confirmation'),
        'data-unconfirmed': missing ?? '',
      },
      h(
        'p',
        null,
        missing !== undefined
          ? L(
              `还有 ${missing} 张选票未获投票人确认（收回 ${ballots}，已确认 ${confirmed}）。`,
              `${missing} ballot${missing === 1 ? ' has' : 's have'} no confirmation from the member who cast ${missing === 1 ? 'it' : 'them'} (returned ${ballots}, confirmed ${confirmed}).`,
            )
          : L('还有选票未获投票人确认。', 'Some ballots have no confirmation yet.'),
      ),
      h(
        'p',
        null,
        L(
          '可以继续等待（例如请该委员打开手机）；如须现在提交，请写明原因：原因作为秘书的决定记入公开记录，由监票人一并核验签字。',
          'You may keep waiting (ask the member to open their phone, say); to send it now, give the reason: it is recorded publicly as the secretary’s decision, and the inspectors check and sign it with the rest.',
        ),
      ),
      h('label', null, L('原因', 'Reason'), reason),
      error,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'seal', onclick: () => void seal() }, L('已全部确认，再次提交', 'All confirmed now: send again')),
        h(
          'button',
          {
            type: 'button',
            class: 'danger seal-with-reason',
            onclick: () => {
              const text = reason.value.trim();
              if (!text) {
                put(error, notice('error', L('请写明原因。', 'Give the reason.')));
                return;
              }
              void seal(text);
            },
          },
          L('记录原因并提交监票人签字', 'Record the reason and send to the inspectors'),
        ),
      ),
    );
  }

  /** A closed vote's result right on its card, with the projector and the report a click away. */
  async function showOutcome(vote: Vote, card: HTMLElement, msg: HTMLElement, offerRunoff: boolean): Promise<void> {
    let tally: Tally;
    try {
      tally = (await recordGet<TallyReply>(`/v1/votes/${vote.id}/tally`)).tally;
    } catch (e) {
      put(msg, notice('error', errorText(e)));
      return;
    }
    const screen = `#/projector?committee=${vote.committeeId}&vote=${vote.id}&full=1`;
    card.append(
      h(
        'div',
        { class: 'vote-result', 'data-vote-id': vote.id },
        h(
          'p',
          { class: 'result-figures' },
          L(
            `应到 ${tally.entitled} · 实到 ${tally.present} · 发出 ${tally.issued} · 收回 ${tally.returned}`,
            `Entitled ${tally.entitled} · present ${tally.present} · issued ${tally.issued} · returned ${tally.returned}`,
          ),
        ),
        vote.definition.items.map((item) => {
          const it = tally.items.find((x) => x.itemId === item.itemId);
          return it ? h('p', { class: 'item-outcome' }, describeOutcome(item, it).sentence) : null;
        }),
        (tally.shaped ?? []).map(shapedOutcome),
        h(
          'div',
          { class: 'row' },
          h('a', { class: 'button result-link', href: screen, target: '_blank', rel: 'noopener' }, L('大屏显示结果', 'Result on the projector')),
          h(
            'a',
            { class: 'button primary report-link', href: `${screen}&report=1`, target: '_blank', rel: 'noopener' },
            L('计票结果报告单', 'Official result sheet'),
          ),
        ),
      ),
    );
    const undecided = tally.items.filter((it) => it.runoff);
    if (undecided.length === 0 || !offerRunoff) return;
    card.append(
      notice(
        'warn',
        L(
          `有 ${undecided.map((it) => `「${it.post}」`).join('')}末位票数相同，须再次票决。`,
          `A tie at the last seat in ${undecided.map((it) => `“${it.post}”`).join(', ')}: a run-off is needed.`,
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'primary runoff',
          onclick: async () => {
            try {
              await session.post(`/v1/votes/${vote.id}/runoff`);
              await showMeeting();
            } catch (e) {
              put(msg, notice('error', errorText(e)));
            }
          },
        },
        L('发起再次票决', 'Create run-off'),
      ),
    );
  }

  function newVoteSection(c: Committee, meeting: Meeting): HTMLElement {
    const title = h('input', { name: 'vote-title', placeholder: L('如：干部任免表决', 'e.g. Appointments'), 'aria-label': L('表决名称', 'Vote title') });
    const items = h('div', { class: 'new-items' });
    const msg = h('div');
    const blocks: { post: HTMLInputElement; seats: HTMLInputElement; names: HTMLTextAreaElement; withPosts: HTMLInputElement; el: HTMLElement }[] = [];
    const addItem = () => {
      const post = h('input', { name: 'post', placeholder: L('职务，如：县财政局局长', 'Post, e.g. Director of Finance') });
      const seats = h('input', { name: 'seats', type: 'number', min: '1', max: '50', value: '1', inputmode: 'numeric' });
      const preview = h('div', { class: 'preview', 'aria-live': 'polite' });
      const names = h('textarea', { name: 'candidates', rows: '4' });
      // 现任职务 / 拟任职务 (issue 11): one candidate per line. Ticked by itself when a table
      // (tab-separated columns) is pasted.
      const withPosts = h('input', { type: 'checkbox', name: 'with-posts' });
      const placeholder = () => {
        names.placeholder = withPosts.checked
          ? L(
              '每行一人：姓名 现任职务 拟任职务（以空格分隔；从表格复制时职务中可含空格）；拟任职务可省略，即本项职务',
              'One per line: name, current post, proposed post (separated by spaces, or table columns); leave out the proposed post when it is this item’s post',
            )
          : L('粘贴候选人姓名：每行一个，或以空格、顿号分隔', 'Paste candidate names: one per line, or separated by spaces or commas');
      };
      const refresh = () => {
        if (!withPosts.checked && names.value.includes('\t')) withPosts.checked = true;
        placeholder();
        renderPreview(preview, candidatesOf(names.value, withPosts.checked), Number(seats.value) || 1, post.value.trim(), c);
      };
      names.addEventListener('input', refresh);
      seats.addEventListener('input', refresh);
      post.addEventListener('input', refresh);
      withPosts.addEventListener('change', refresh);
      const block = {
        post,
        seats,
        names,
        withPosts,
        el: h(
          'fieldset',
          { class: 'new-item' },
          h('legend', null, L(`第 ${blocks.length + 1} 项`, `Item ${blocks.length + 1}`)),
          h('label', null, L('职务', 'Post'), post),
          h('label', { class: 'seats' }, L('应选人数', 'Seats'), seats),
          h('label', null, L('候选人', 'Candidates'), names),
          h('label', { class: 'check with-posts' }, withPosts, L('含现任职务、拟任职务（每行一人）', 'With current and proposed posts (one per line)')),
          preview,
        ),
      };
      blocks.push(block);
      items.append(block.el);
      refresh();
    };
    addItem();
    return h(
      'section',
      { class: 'card new-vote' },
      h('h3', null, L('新建表决', 'New vote')),
      h('label', null, L('表决名称', 'Title'), title),
      items,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'add-item', onclick: addItem }, L('＋ 添加一项', '+ Add an item')),
        h(
          'button',
          {
            type: 'button',
            class: 'primary save-vote',
            onclick: async () => {
              const parsed = blocks.map((b) => ({
                post: b.post.value.trim(),
                seats: Number(b.seats.value),
                list: candidatesOf(b.names.value, b.withPosts.checked),
              }));
              const bad = parsed.findIndex((it) => it.list.badLines.length > 0);
              if (bad >= 0) {
                put(
                  msg,
                  notice(
                    'error',
                    L(
                      `第 ${bad + 1} 项第 ${parsed[bad]!.list.badLines.join('、')} 行不是“姓名 现任职务 拟任职务”。`,
                      `Item ${bad + 1}, line ${parsed[bad]!.list.badLines.join(', ')}: not “name current-post proposed-post”.`,
                    ),
                  ),
                );
                return;
              }
              const body = {
                title: title.value.trim(),
                items: parsed
                  .map((it) => ({
                    post: it.post,
                    seats: it.seats,
                    candidates: it.list.candidates.map((x) => (x.currentPost === undefined && x.proposedPost === undefined ? x.name : x)),
                  }))
                  .filter((it) => it.post || it.candidates.length > 0),
              };
              try {
                await session.post<Vote>(`/v1/meetings/${meeting.id}/votes`, body);
                await showMeeting();
              } catch (e) {
                put(msg, notice('error', errorText(e)));
              }
            },
          },
          L('保存表决', 'Save vote'),
        ),
      ),
      msg,
    );
  }

  void start();
  return () => stopTurnout?.();
}
