// The member's page, on a phone: sign in, and from the moment the secretary records you present
// the device fetches a blind token for every vote of the meeting that is not closed
// (签到即领票). When a vote opens it shows the ballot; the ballot is cast with no credential at
// all; the receipt stays on the device; after close the device finds its ballot in the record.
//
// Everything that must survive a reload is in IndexedDB before the network hears of it: the
// token request before it is sent (a lost answer is retried with the same blinded point), the
// ballot before it is cast (a reload re-sends the identical ballot, which returns the same
// receipt: the member cannot vote twice, nor lose the vote).
//
// The vote's key comes from the committee's chain, verified from genesis and held to the head
// this device pinned before (record.ts). While a vote is not closed the page re-reads the chain
// on every refresh; if it no longer extends what the device saw, the page refuses to vote. The
// vote key fingerprint on the card is the one the projector shows, for the room to compare.
//
// Version-2 close (src/protocol/close.ts). When the secretary closes, the vote is `confirming`:
// the phone reads the prepared close, hashes it itself, looks for its own ballot (by the hash it
// kept when casting) and only then signs the confirmation; a ballot missing or changed is never
// confirmed and raises the alarm. A member designated 监票人 sees, once the close is sealed
// (`countersigning`), the figures and outcomes, runs the project's verifier on the would-be
//
// The flow itself — tokens, the outbox, receipts, confirmations, the inspector's audit — is
// src/web/member-flow.ts, free of the DOM; this page renders its state and wires the taps.
import type { Mark } from '../../protocol/ballot.ts';
import { randomBytes } from '../../client/random.ts';
import { castBallotAnonymously, recordGet, type Session } from '../api.ts';
import { deviceWatch } from '../device-watch.ts';
import { h, put } from '../dom.ts';
import type { GlanceFingerprint } from '../glance.ts';
import { L, stateLabel } from '../i18n.ts';
import { MemberFlow, MemberFlowError, type Rewritten } from '../member-flow.ts';
import { checkVoteRecord, fingerprintWords, headDigits, pinnedDefinition, serviceKeys, verifiedChain, voteKeyFingerprint } from '../record.ts';
import { signedInPage } from '../signed-in.ts';
import { loadVote, saveVote, type StoredVote } from '../store.ts';
import type { Vote } from '../types.ts';
import { errorText, notice, poll, renderVoteCards, shortHash, type VoteCards } from '../ui.ts';
import { ballotForm } from './member/ballot.ts';
import { auditProblem, closeCheck, inspectorPanel, runVerifier } from './member/close.ts';

const REFRESH_MS = 2000;

export const mountMember = signedInPage(runMember);

function runMember(root: HTMLElement, session: Session, params: URLSearchParams): () => void {
  const me = session.me;
  const flow = new MemberFlow(
    {
      me,
      api: session,
      castBallot: castBallotAnonymously,
      record: { verifiedChain, pinnedDefinition, checkVoteRecord, serviceKeys, readVoteRecord: (voteId) => recordGet(`/v1/votes/${voteId}/record`) },
      storage: { load: loadVote, save: saveVote },
      randomBytes,
      verify: runVerifier,
      explain: errorText,
      onChange: () => render(),
    },
    { committeeId: params.get('committee') ?? undefined, meetingId: params.get('meeting') ?? undefined },
  );
  /** The vote whose ballot is shown back for review before it is cast. */
  let confirming: string | undefined;

  const head = h('section', { class: 'card member-head' });
  const list = h('div', { class: 'votes' });
  const cards: VoteCards = new Map();
  let headKey = '';
  const watch = deviceWatch(session);
  // The ballots before the device watch: the open ballot is what a member comes to this page for.
  put(root, h('div', { class: 'member' }, head, list, watch.el));

  async function refresh(): Promise<void> {
    void watch.refresh();
    await flow.refresh();
    render();
  }

  function setMark(voteId: string, itemId: string, candidateId: string, mark: Mark): void {
    const hadFocus = document.activeElement instanceof HTMLElement && document.activeElement.dataset.focusKey !== undefined;
    if (!flow.setMark(voteId, itemId, candidateId, mark)) return;
    render();
    // The card is rebuilt: put the focus back on the mark just chosen (Enter, Space or an arrow).
    if (hadFocus) root.querySelector<HTMLElement>(`[data-focus-key="${voteId}/${itemId}/${candidateId}/${mark}"]`)?.focus();
  }

  function cast(voteId: string, confirmed: boolean): void {
    if (!flow.canCast(voteId)) return;
    // 确认投票: every ballot is shown back for review before it leaves (and an over-marked
    // item is named there, since it will count as 无效).
    if (!confirmed) {
      confirming = voteId;
      render();
      return;
    }
    confirming = undefined;
    void flow.cast(voteId);
  }

  /** A failure on a vote's card, in the page's words. */
  function problemText(e: unknown): string {
    if (!(e instanceof MemberFlowError)) return errorText(e);
    switch (e.code) {
      case 'vote_key_mismatch':
        return L('服务提供的表决公钥与公开记录不一致，已拒绝领票。', 'The vote key served differs from the public record; token refused.');
      case 'not_in_record':
        return L('公开记录中还没有这项表决，暂不投出。', 'This vote is not in the public record yet; the ballot waits.');
      case 'close_hash_mismatch':
        return L(
          '服务提供的计票数据与其哈希不符，本设备不予确认。请告知监票人。',
          'The close the service shows does not match its hash; this device does not confirm it. Tell the inspectors.',
        );
      case 'record_rewritten':
        return flow.rewritten ? rewrittenText(flow.rewritten) : errorText(e);
    }
  }

  function pageMsg(): { kind: 'error' | 'info'; text: string } | undefined {
    const n = flow.notice;
    if (!n) return undefined;
    if (n.kind === 'error') return { kind: 'error', text: errorText(n.error) };
    return {
      kind: 'info',
      text: n.what === 'no_committee' ? L('您不是任何委员会的委员。', 'You are not a member of any committee.') : L('暂无会议。', 'No meeting yet.'),
    };
  }

  /** A vote's failure as the card shows it. */
  function failureMsg(voteId: string): { code: string; text: string } | undefined {
    const f = flow.failures.get(voteId);
    return f && { code: f.code, text: problemText(f.error) };
  }
  function renderHead(): void {
    const committee = flow.committees?.find((c) => c.id === flow.committeeId);
    const meeting = flow.meetings.find((m) => m.id === flow.meetingId);
    const tokens = flow.votes.filter((v) => flow.local.get(v.id)?.token).length;
    const key = JSON.stringify([
      document.documentElement.lang,
      committee?.id,
      meeting?.id,
      meeting?.state,
      flow.meetings.length,
      flow.present(),
      tokens,
      flow.votes.length,
      pageMsg(),
      flow.rewritten,
    ]);
    if (key === headKey) return;
    headKey = key;
    const meetingChooser =
      flow.meetings.length > 1
        ? h(
            'select',
            {
              class: 'meeting-select',
              'aria-label': L('会议', 'Meeting'),
              onchange: (ev: Event) => {
                flow.selectMeeting((ev.target as HTMLSelectElement).value);
                void refresh();
              },
            },
            flow.meetings.map((m) => h('option', { value: m.id, selected: m.id === flow.meetingId }, m.title)),
          )
        : null;
    put(
      head,
      h('div', { class: 'who' }, h('strong', { class: 'me-name' }, me.name), committee ? h('span', null, ` · ${committee.name}`) : null),
      h('h1', { class: 'page-title meeting-title' }, meeting ? meeting.title : L('投票', 'Vote')),
      meetingChooser,
      meeting
        ? h(
            'p',
            { class: `signin-state ${flow.present() ? 'ok' : 'waiting'}`, 'data-present': String(flow.present()) },
            flow.present()
              ? L(`已签到 · 已领取 ${tokens} 张选票票证`, `Signed in · ${tokens} ballot token${tokens === 1 ? '' : 's'} on this device`)
              : L(
                  '尚未登记到会：秘书登记实到后，本设备会自动领取选票。',
                  'Not yet recorded present: once the secretary records you, this device fetches your ballots.',
                ),
          )
        : null,
      flow.rewritten ? h('p', { class: 'notice error record-rewritten', role: 'alert' }, rewrittenText(flow.rewritten)) : null,
      ((m) => (m ? notice(m.kind, m.text) : null))(pageMsg()),
    );
  }

  function render(): void {
    renderHead();
    renderVoteCards(list, cards, flow.votes, cardKey, (vote) => voteCard(vote, flow.local.get(vote.id)));
  }

  /** Everything a vote's card shows: the card is drawn again when this changes. */
  function cardKey(vote: Vote): unknown[] {
    const v = flow.local.get(vote.id);
    const view = flow.closings.get(vote.id);
    const audit = flow.audits.get(vote.id);
    return [
      v?.confirmedClose ?? null,
      v?.missingFromClose ?? null,
      view ? [view.state, view.sealHash, view.countersignedBy, view.inspectors, view.confirmations.length, view.decision] : null,
      audit ? [audit.key, audit.running, audit.report?.ok ?? null, audit.problem ? auditProblem(audit.problem) : null] : null,
      document.documentElement.lang,
      vote.state,
      flow.present(),
      Boolean(v?.token),
      v?.draft,
      Boolean(v?.ballot),
      v?.receipt ?? null,
      v?.counted ?? null,
      v?.refused ?? null,
      flow.busy.has(vote.id),
      failureMsg(vote.id) ?? null,
      confirming === vote.id,
      flow.createdHashes.get(vote.id) ?? null,
      flow.rewritten ?? null,
    ];
  }

  function voteCard(vote: Vote, v: StoredVote | undefined): HTMLElement {
    const msg = failureMsg(vote.id);
    const card = h(
      'section',
      { class: `card vote state-${vote.state}`, 'data-vote-id': vote.id, 'data-state': vote.state },
      h('div', { class: 'vote-title' }, h('h3', null, vote.title), h('span', { class: `badge ${vote.state}` }, stateLabel(vote.state))),
    );
    const status = (kind: 'error' | 'ok' | 'info' | 'warn', text: string, cls = '') => h('p', { class: `notice ${kind} ${cls}` }, text);

    const createdHash = vote.state !== 'closed' && v && !flow.rewritten ? (flow.createdHashes.get(vote.id) ?? v.createdHash) : undefined;
    const print = createdHash ? voteKeyFingerprint(createdHash) : undefined;
    if (print) card.append(fingerprintLine(print));

    if (flow.rewritten && vote.state !== 'closed' && !v?.receipt) {
      card.append(status('error', L('本设备拒绝在被改写的记录上投票。', 'This device refuses to vote on a rewritten record.'), 'refused'));
    } else if (v?.receipt) {
      card.append(status('ok', L('✓ 已投票，回执已保存在本设备。', '✓ Voted; the receipt is kept on this device.'), 'voted'));
      card.append(h('p', { class: 'hash' }, L('选票指纹 ', 'Ballot hash '), h('code', null, shortHash(v.ballotHash ?? ''))));
      if (vote.state === 'closed') {
        if (v.counted === true)
          card.append(
            status(
              'ok',
              L('✓ 您的选票已计入：在公开记录中找到，且与回执一致。', '✓ Your ballot is counted: it is in the public record and matches the receipt.'),
              'counted',
            ),
          );
        if (v.closedHead) {
          card.append(
            h(
              'p',
              { class: 'result-head' },
              L(`记录链头 第 ${v.closedHead.seq} 条 · `, `Record head, entry ${v.closedHead.seq} · `),
              h('code', { 'data-head-hash': v.closedHead.hash }, headDigits(v.closedHead.hash)),
              h('span', { class: 'hint' }, L('（应与大屏上的相同）', ' (must match the projector)')),
            ),
          );
        } else if (v.counted === false)
          card.append(
            status(
              'error',
              L('✗ 公开记录中没有找到您的选票！请立即告知监票人。', '✗ Your ballot is NOT in the public record! Tell the scrutineers now.'),
              'not-counted',
            ),
          );
        else card.append(status('info', L('正在核对公开记录…', 'Checking the public record…')));
        card.append(
          h(
            'a',
            { class: 'link', href: `#/observer?record=${encodeURIComponent(`/v1/votes/${vote.id}/record`)}` },
            L('验证整份记录 →', 'Verify the whole record →'),
          ),
        );
      } else if (vote.state === 'confirming' || vote.state === 'countersigning') {
        card.append(closeCheck(vote, v));
      }
    } else if (v?.ballot) {
      card.append(outboxStatus(vote, v));
    } else if (vote.state === 'closed') {
      card.append(status('info', L('表决已结束。', 'This vote is closed.')));
    } else if (vote.state === 'confirming' || vote.state === 'countersigning') {
      card.append(status('info', L('投票已结束，正在计票确认。', 'Voting is over; the count is being confirmed.')));
    } else if (!flow.present()) {
      card.append(status('info', L('登记到会后自动领取选票。', 'Your ballot arrives once you are recorded present.')));
    } else if (!v?.token) {
      card.append(status('info', flow.busy.has(vote.id) ? L('正在领取选票…', 'Fetching your ballot…') : L('等待领取选票…', 'Waiting for your ballot…')));
    } else if (vote.state === 'draft') {
      card.append(status('ok', L('✓ 选票已领取，等待开始投票。', '✓ Ballot received; waiting for the vote to open.'), 'token-ready'));
    } else {
      card.append(
        ballotForm(vote.id, v, {
          sending: flow.busy.has(vote.id),
          reviewing: confirming === vote.id,
          setMark: (itemId, candidateId, mark) => setMark(vote.id, itemId, candidateId, mark),
          cast: (confirmed) => cast(vote.id, confirmed),
          back: () => ((confirming = undefined), render()),
        }),
      );
    }
    const view = flow.closings.get(vote.id);
    if (vote.state === 'countersigning' && view?.state === 'countersigning' && view.inspectors.includes(me.personId)) {
      card.append(
        inspectorPanel(vote, view, {
          audit: flow.audits.get(vote.id),
          personId: me.personId,
          busy: flow.busy.has(vote.id),
          countersign: () => void flow.countersign(vote.id),
        }),
      );
    }
    // An outbox failure is already shown, in its own words, by outboxStatus.
    if (msg && !(v?.ballot && !v.receipt)) card.append(notice('error', msg.text));
    return card;
  }

  /** The outbox, plainly: 正在投出… / 未能投出 (retrying by itself) / 未能投出 (refused for good). */
  function outboxStatus(vote: Vote, v: StoredVote): HTMLElement {
    if (v.refused) {
      return h('p', { class: 'notice error outbox', 'data-outbox': 'refused', role: 'alert' }, L(`未能投出：${v.refused.text}`, `Not cast: ${v.refused.text}`));
    }
    if (vote.state !== 'open' && v.confirmedClose) {
      // The answer was lost, but the ballot is in the count: this device found it there and confirmed.
      return h(
        'p',
        { class: 'notice ok outbox confirmed-in-close', 'data-outbox': 'in-count' },
        L('✓ 已确认本人选票在列：计票结果中有您的选票，内容未变。', '✓ Confirmed: your ballot is in the count, unchanged.'),
      );
    }
    if (vote.state !== 'open') {
      if (vote.state === 'confirming' && flow.busy.has(vote.id))
        return h('p', { class: 'notice info outbox', 'data-outbox': 'checking', role: 'status' }, L('正在核对计票结果…', 'Checking the count…'));
      return h(
        'p',
        { class: 'notice error outbox', 'data-outbox': 'refused', role: 'alert' },
        L('未能投出：表决已结束，这张选票未能送达。请告知监票人。', 'Not cast: the vote closed before this ballot arrived. Tell the scrutineers.'),
      );
    }
    const failure = failureMsg(vote.id);
    if (flow.busy.has(vote.id) || !failure) {
      return h('p', { class: 'notice info outbox', 'data-outbox': 'sending', role: 'status' }, L('正在投出…', 'Casting…'));
    }
    const why = failure.code === 'network' ? L('暂时连不上服务。', 'the service cannot be reached right now.') : failure.text;
    return h(
      'p',
      { class: 'notice warn outbox', 'data-outbox': 'retrying', role: 'status' },
      L(
        `未能投出：${why}选票保存在本设备上，恢复后自动重新投出，无需再次操作。`,
        `Not cast yet: ${why} The ballot is kept on this device and is sent again by itself once the service is reachable; nothing to do.`,
      ),
    );
  }

  function fingerprintLine(print: GlanceFingerprint): HTMLElement {
    return h(
      'div',
      { class: 'vote-key-fingerprint' },
      h('span', { class: 'fingerprint-label' }, L('表决公钥指纹', 'Vote key fingerprint')),
      fingerprintWords(print),
      h('span', { class: 'hint' }, L('（请与大屏上的六个词核对，应完全相同）', ' (compare the six words with the projector: they must be identical)')),
    );
  }

  const stop = poll(refresh, REFRESH_MS);
  // The network is back: try the outbox now rather than at the next round.
  const online = () => void refresh();
  window.addEventListener('online', online);
  return () => {
    stop();
    window.removeEventListener('online', online);
  };
}

function rewrittenText(r: Rewritten): string {
  if (r.reason === 'record') return r.detail;
  return L(
    '公开记录中的表决公钥与本设备领票时核验的不一致（记录被改写），本设备拒绝投票。请立即告知监票人。',
    'The vote key in the public record differs from the one this device verified when it fetched its token (the record was rewritten); this device refuses to vote. Tell the scrutineers now.',
  );
}
