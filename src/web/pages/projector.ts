// The big screen: one vote's result in the official form, readable from the back of the room,
// shown the instant the vote closes. Everything here is public (chain, status, tally), so the
// projector needs no sign-in. With &report=1 it is the printable 计票结果报告单, with the
// record's head hash and a QR code of the record's address. While the vote is open it shows the
// vote key fingerprint (表决公钥指纹) from the verified chain, which every phone shows too: the
// room compares them, so a key made for one member alone cannot go unnoticed.
import { asCommitteeDefinition, type VoteDefinition } from '../../protocol/ballot.ts';
import { isShapedItem, type ShapedItem } from '../../protocol/shapes.ts';
import type { ItemTally, Tally } from '../../protocol/tally.ts';
import { recordGet, signInIfEnrolled } from '../api.ts';
import { linkBase } from '../site.ts';
import { describeOutcome } from '../outcome.ts';
import { h, put } from '../dom.ts';
import { candidatePosts } from '../posts.ts';
import { qrSvg } from '../qr.ts';
import { kindLabel, L, markLabel, outcomeLabel } from '../i18n.ts';
import type { ChainEntry } from '../../protocol/chain.ts';
import { checkHeldRecord, fingerprintWords, headDigits, verifiedChain, voteCreatedEntry, voteKeyFingerprint } from '../record.ts';
import { meetingCredential } from '../slip-flow.ts';
import { loadParticipant } from '../store.ts';
import type { GlanceFingerprint } from '../glance.ts';
import type { TallyReply, VoteStatus } from '../types.ts';
import { errorText, notice, poll } from '../ui.ts';
import { compositesOf, mountCompositeProjector, shapedFigures, shapedHeading, shapedResultScreen, shapedSheet } from './projector-shapes.ts';

const STATUS_MS = 1000;

interface Context {
  committeeName: string;
  definition: VoteDefinition;
  /** 实到 as last recorded for the vote's meeting (the tally states the one fixed at close). */
  present: number | null;
  fingerprint: GlanceFingerprint;
  /** Member names from the latest roster, for the inspectors' names on the report. */
  names: Map<string, string>;
  /** A vote of a meeting of participants holding slips (issue 15): its one recommendation or evaluation item. */
  shaped: ShapedItem | undefined;
  /** The composites on the chain that draw on this vote. */
  composites: { compositeId: string; title: string }[];
}

/** What the published close says beyond the tally (version 2): who confirmed, any decision, who countersigned. */
interface CloseProof {
  confirmations: number;
  decision: { unconfirmed: number; reason: string } | null;
  inspectors: string[];
}

export function mountProjector(root: HTMLElement, params: URLSearchParams): () => void {
  const committeeId = params.get('committee');
  const voteId = params.get('vote');
  const report = params.get('report') === '1';
  // A 三元测评 composite: its own screen and sheet (projector-shapes.ts).
  if (committeeId && params.get('composite')) return mountCompositeProjector(root, params);
  if (!committeeId || !voteId) {
    put(root, notice('info', L('请从秘书页面的“大屏显示”打开本页。', 'Open this page from “Projector” on the secretary page.')));
    return () => {};
  }
  const full = params.get('full') === '1';
  // Opened from a participant's phone (issue 15, the observer's link to the printed sheet):
  // `meeting` names the meeting of the slip this phone holds. The vote is read with the slip's
  // credential, kept on the phone (never in the address); and since a participant may not read a
  // restricted committee's chain, the screen stands on the vote's own record instead — through
  // its opening, or its close once closed — checked as the phone checks it (checkHeldRecord).
  const meeting = params.get('meeting') ?? undefined;
  const withMeeting = meeting === undefined ? '' : `&meeting=${encodeURIComponent(meeting)}`;
  const participant = meeting === undefined ? Promise.resolve(undefined) : meetingCredential({ loadParticipant }, meeting).catch(() => undefined);
  async function read<T>(path: string): Promise<T> {
    const credential = await participant;
    if (credential !== undefined) return recordGet<T>(path, { participant: credential });
    // A restricted committee's record is read signed in: with this browser's device, if any.
    await signInIfEnrolled();
    return recordGet<T>(path);
  }
  /** A participant's reading: the vote's record, checked, and the entry it ends with. */
  let held: { end: 'vote.created' | 'vote.closed'; entries: ChainEntry[] } | undefined;
  /** The vote's record through its opening or its close, read with the credential and checked (checkHeldRecord). */
  async function heldRecord(end: 'vote.created' | 'vote.closed'): Promise<ChainEntry[]> {
    const record = await read<{ committeeId?: unknown; voteId?: unknown; entries?: unknown }>(
      `/v1/votes/${encodeURIComponent(voteId!)}/record${end === 'vote.created' ? '?through=created' : ''}`,
    );
    return checkHeldRecord(record, committeeId!, voteId!, end);
  }
  const screen = h('div', { class: report ? 'report-page' : 'projector' });
  /** Full-screen mode: the page without the app's bar (main.ts), and the browser's full screen. */
  const enterFullScreen = () => {
    void document.documentElement.requestFullscreen?.().catch(() => {});
    location.hash = `#/projector?committee=${committeeId}&vote=${voteId}&full=1${withMeeting}`;
  };
  put(root, screen);
  let ctx: Context | undefined;
  let status: VoteStatus | undefined;
  let result: { tally: Tally; headSeq: number; headHash: string; meetingTitle: string; closedAt: string; proof: CloseProof | null } | undefined;
  let error: string | undefined;
  let shownKey = '';
  let stopPager = () => {};

  let chainSeq = -1;

  /**
   * From the committee's chain, verified and extending this screen's pinned head (only what is
   * new is fetched) — or a participant's vote record — the vote's definition and fingerprint,
   * then 实到 as re-recorded.
   */
  function follow(chain: ChainEntry[]): void {
    chainSeq = chain.length - 1;
    const created = voteCreatedEntry(chain, voteId!);
    // A draft enters the record when it opens: until then the screen shows its state alone.
    if (!created && status?.state === 'draft') return;
    if (!created) throw new Error(L('记录中没有这项表决。', 'This vote is not in the record.'));
    const definition = created.body.definition;
    let committeeName = '';
    let present: number | null = null;
    // A meeting of participants holding slips has no member attendance: its 实到 is the slips
    // issued (printed minus voided), the latest slips.issued entry of the meeting. Any attendance
    // recorded there (the inspectors') is not its 实到.
    let slipsIssued: number | null = null;
    const names = new Map<string, string>();
    for (const e of chain) {
      if (e.kind === 'committee.created') committeeName = e.body.name;
      if (e.kind === 'roster.changed') for (const m of e.body.members) names.set(m.memberId, m.name);
      // The latest 实到 of the vote's meeting (re-recording supersedes; it may precede the vote).
      if (e.kind === 'attendance.recorded' && e.body.meetingId === definition.meetingId) present = e.body.present.length;
      if (e.kind === 'slips.issued' && e.body.meetingId === definition.meetingId) slipsIssued = e.body.issued;
    }
    const shaped = definition.items.find(isShapedItem);
    ctx = {
      committeeName,
      definition: asCommitteeDefinition(definition),
      present: slipsIssued ?? (shaped ? null : present),
      fingerprint: voteKeyFingerprint(created.hash),
      names,
      shaped,
      composites: compositesOf(chain, voteId!),
    };
  }
  let base = location.origin;
  const stop = poll(async () => {
    try {
      if (report) base = await linkBase();
      status = await read<VoteStatus>(`/v1/votes/${voteId}/status`);
      const asParticipant = (await participant) !== undefined;
      if (asParticipant) {
        // The vote's record is read again when it reaches further: opened, then closed.
        const end = status.state === 'closed' ? 'vote.closed' : status.state === 'draft' ? undefined : 'vote.created';
        if (end !== undefined && held?.end !== end) {
          const entries = await heldRecord(end);
          follow(entries);
          held = { end, entries };
        }
      } else if (status.head.seq > chainSeq) {
        // The head moves only when something enters the chain (attendance, a vote, a close).
        follow(await verifiedChain(committeeId));
      }
      if (status.state === 'closed' && !result) {
        const t = await read<TallyReply>(`/v1/votes/${voteId}/tally`);
        // The close's hash from the verified chain (which must extend this screen's pin), or from the participant's checked record.
        const chain = asParticipant ? (held?.entries ?? []) : await verifiedChain(committeeId);
        const closed = chain[t.closedSeq];
        if (!closed || closed.kind !== 'vote.closed' || closed.body.voteId !== voteId)
          throw new Error(L('记录中没有这项表决的结束条目。', 'The record holds no close of this vote.'));
        // The result shown is the tally inside the verified close entry, never the separate
        // /tally answer: the screen and the printed report pair this tally with this hash.
        const b = closed.body;
        const proof =
          b.confirmations && b.countersignatures
            ? { confirmations: b.confirmations.length, decision: b.decision ?? null, inspectors: b.countersignatures.map((x) => x.memberId) }
            : null;
        result = { tally: b.tally, headSeq: t.closedSeq, headHash: closed.hash, meetingTitle: t.meetingTitle, closedAt: t.closedAt, proof };
      }
      error = undefined;
    } catch (e) {
      error = errorText(e);
    }
    const key = JSON.stringify([status, Boolean(result), error, ctx?.present, ctx?.fingerprint.hex, ctx?.composites, document.documentElement.lang]);
    if (key !== shownKey) {
      shownKey = key;
      if (report) renderReport();
      else renderScreen();
    }
    if (result) stop?.();
  }, STATUS_MS);

  function numbers(): HTMLElement {
    const t = result?.tally;
    if (ctx?.shaped) {
      // 有效 / 无效 exist once the close has counted them.
      const s = t?.shaped?.[0];
      return shapedFigures({
        entitled: t?.entitled ?? ctx.definition.entitled,
        present: t?.present ?? ctx.present ?? undefined,
        issued: t?.issued ?? status?.turnout.issued,
        returned: t?.returned ?? status?.turnout.returned,
        ...(s ? { valid: s.valid, invalid: s.shape === 'recommendation' ? s.invalid : 0 } : {}),
      });
    }
    const cell = (label: string, value: number | null | undefined, cls: string) =>
      h('div', { class: `figure ${cls}` }, h('div', { class: 'figure-label' }, label), h('div', { class: 'figure-value', 'data-figure': cls }, value ?? '—'));
    return h(
      'div',
      { class: 'figures' },
      cell(L('应到', 'Entitled'), t?.entitled ?? ctx?.definition.entitled, 'entitled'),
      cell(L('实到', 'Present'), t?.present ?? ctx?.present, 'present'),
      cell(L('发出', 'Issued'), t?.issued ?? status?.turnout.issued, 'issued'),
      cell(L('收回', 'Returned'), t?.returned ?? status?.turnout.returned, 'returned'),
    );
  }

  function itemTable(defItem: VoteDefinition['items'][number], it: ItemTally | undefined): HTMLElement {
    const def = ctx!.definition;
    const marks = def.marks;
    const kind = defItem.candidates.length > defItem.seats ? 'differential' : 'confirmation';
    return h(
      'section',
      { class: 'result-item', 'data-item-id': defItem.itemId },
      h(
        'div',
        { class: 'result-item-head' },
        h('h2', null, defItem.post),
        h('span', { class: 'kind' }, kindLabel(kind, defItem.seats)),
        it
          ? h(
              'span',
              { class: 'validity' },
              L('有效 ', 'Valid '),
              h('strong', { 'data-figure': 'valid' }, it.valid),
              L('　无效 ', '   Invalid '),
              h('strong', { 'data-figure': 'invalid' }, it.invalid),
            )
          : null,
      ),
      h(
        'table',
        { class: 'result-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', null, L('候选人', 'Candidate')),
            marks.map((m) => h('th', { class: 'num' }, markLabel(m))),
            h('th', null, L('结果', 'Outcome')),
          ),
        ),
        h(
          'tbody',
          null,
          defItem.candidates.map((c) => {
            const ct = it?.candidates.find((x) => x.candidateId === c.candidateId);
            return h(
              'tr',
              { 'data-candidate': c.name, class: ct ? `outcome-${ct.outcome}` : '' },
              h('th', { scope: 'row' }, h('span', { class: 'name' }, c.name), candidatePosts(defItem, c)),
              marks.map((m) => h('td', { class: 'num', 'data-mark': m }, ct ? ct[m] : '')),
              h('td', { class: 'outcome', 'data-outcome': ct?.outcome ?? '' }, ct ? outcomeLabel(ct.outcome, it!.kind) : ''),
            );
          }),
        ),
      ),
      it ? itemOutcome(defItem, it) : null,
    );
  }

  function itemOutcome(defItem: VoteDefinition['items'][number], it: ItemTally): HTMLElement {
    const o = describeOutcome(defItem, it);
    return h('p', { class: 'item-outcome', 'data-vacancies': o.vacancies }, o.sentence);
  }

  /** The record's own account of the close: members' confirmations, any decision, the inspectors who signed. */
  function closeProof(proof: CloseProof, t: Tally): HTMLElement {
    const inspectors = proof.inspectors.map((id) => ctx!.names.get(id) ?? id).join('、');
    return h(
      'div',
      { class: 'close-proof' },
      h(
        'p',
        { 'data-confirmations': proof.confirmations },
        L(
          `收回选票 ${t.returned} 张，投票委员在手机上确认本人选票在列 ${proof.confirmations} 份。`,
          `${t.returned} ballots returned; ${proof.confirmations} confirmations by members that their ballot is in.`,
        ),
      ),
      proof.decision
        ? h(
            'p',
            { class: 'close-decision', 'data-unconfirmed': proof.decision.unconfirmed },
            L(
              `经秘书决定，${proof.decision.unconfirmed} 张选票未获确认而计入，原因：${proof.decision.reason}`,
              `By the secretary’s recorded decision, ${proof.decision.unconfirmed} unconfirmed ballot${proof.decision.unconfirmed > 1 ? 's are' : ' is'} counted: ${proof.decision.reason}`,
            ),
          )
        : null,
      h(
        'p',
        { class: 'close-inspectors' },
        L(`监票人 ${inspectors} 已在手机上核验并电子签名。`, `Inspectors ${inspectors} verified the count on their phones and signed it.`),
      ),
    );
  }

  function rule(t: Tally): string {
    return t.majorityBase === 'entitled'
      ? L(`同意票超过应到人数的半数（至少 ${t.required} 票）方为通过。`, `Approval needs more than half of the entitled members (at least ${t.required}).`)
      : L(`同意票超过实到人数的半数（至少 ${t.required} 票）方为通过。`, `Approval needs more than half of those present (at least ${t.required}).`);
  }

  function waitingText(state: VoteStatus['state']): string {
    if (state === 'open') return L('投票进行中，结束后当场公布结果。', 'Voting in progress; the result appears the moment it closes.');
    if (ctx?.shaped && (state === 'confirming' || state === 'countersigning'))
      return L('投票已结束。监票人正在核验签字，签字后公布结果。', 'Voting is over. The inspectors are checking and signing; the result follows.');
    if (state === 'confirming')
      return L(
        '投票已结束。各委员手机正在核对本人选票，随后由监票人核验签字。',
        'Voting is over. The members’ phones are checking their own ballots; then the inspectors check and sign.',
      );
    if (state === 'countersigning') return L('监票人正在核验签字，签字后公布结果。', 'The inspectors are checking and signing; the result follows.');
    return L('等待开始投票。', 'Waiting for the vote to open.');
  }

  function renderScreen(): void {
    stopPager();
    stopPager = () => {};
    if (!ctx) {
      put(screen, error ? notice('error', error) : notice('info', L('正在载入…', 'Loading…')));
      return;
    }
    const t = result?.tally;
    const state = status?.state ?? 'draft';
    const shapedHost = h('div', { class: 'shaped-result' });
    screen.classList.toggle('shaped-screen', Boolean(ctx.shaped));
    put(
      screen,
      h(
        'header',
        { class: 'projector-head' },
        h('div', { class: 'committee' }, ctx.committeeName),
        h('h1', null, ctx.definition.title),
        full ? null : h('button', { type: 'button', class: 'fullscreen no-print', onclick: enterFullScreen }, L('全屏显示', 'Full screen')),
      ),
      // The state, readable from the back of the room.
      h(
        'div',
        { class: `banner ${t ? 'result' : state}`, 'data-state': t ? 'result' : state, role: 'status' },
        t
          ? L('计票结果', 'Result of the count')
          : state === 'open'
            ? L('投票中', 'Voting')
            : state === 'confirming' || state === 'countersigning'
              ? L('正在计票', 'Counting')
              : L('等待开始投票', 'Waiting for the vote to open'),
      ),
      numbers(),
      t
        ? null
        : h(
            'p',
            { class: 'vote-key-fingerprint' },
            h('span', { class: 'fingerprint-label' }, L('表决公钥指纹', 'Vote key fingerprint')),
            fingerprintWords(ctx.fingerprint),
            h(
              'span',
              { class: 'hint' },
              ctx.shaped
                ? L('每部投票手机上显示的六个词应与此完全相同', 'every voting phone must show exactly these six words')
                : L('各委员手机上显示的六个词应与此完全相同', 'every member’s phone must show exactly these six words'),
            ),
          ),
      t ? null : h('p', { class: 'waiting' }, waitingText(state)),
      // A 民主推荐 / 民主测评: its heading until the close, then its table (filled in below, paged).
      ctx.shaped ? (t ? shapedHost : shapedHeading(ctx.shaped)) : null,
      ctx.definition.items.map((item) =>
        itemTable(
          item,
          t?.items.find((x) => x.itemId === item.itemId),
        ),
      ),
      t && !ctx.shaped ? h('p', { class: 'rule' }, rule(t)) : null,
      // The record head the result belongs to: phones show the same after the close.
      result
        ? h(
            'p',
            { class: 'result-head' },
            L(`记录链头 第 ${result.headSeq} 条 · `, `Record head, entry ${result.headSeq} · `),
            h('code', { 'data-head-hash': result.headHash }, headDigits(result.headHash)),
          )
        : null,
      t
        ? h(
            'div',
            { class: 'row no-print' },
            h('a', { class: 'button report-link', href: `#/projector?committee=${committeeId}&vote=${voteId}&report=1${withMeeting}` }, sheetName()),
            h(
              'a',
              { class: 'button', href: `#/observer?record=${encodeURIComponent(`/v1/votes/${voteId}/record`)}${withMeeting}` },
              L('验证记录', 'Verify the record'),
            ),
            ctx.composites.map((c) =>
              h(
                'a',
                { class: 'button composite-link', href: `#/projector?committee=${committeeId}&composite=${c.compositeId}` },
                L('三元测评：', '三元测评: '),
                c.title,
              ),
            ),
          )
        : null,
      error ? notice('error', error) : null,
    );
    // Laid out once in the page, where its rows can be measured against the screen.
    const s = t?.shaped?.[0];
    if (t && s && ctx.shaped) stopPager = shapedResultScreen(shapedHost, ctx.shaped, t, s);
  }

  function sheetName(): string {
    if (ctx?.shaped?.shape === 'recommendation') return L('民主推荐票统计表', 'Recommendation count sheet');
    if (ctx?.shaped?.shape === 'evaluation') return L('民主测评结果汇总表', 'Evaluation summary sheet');
    return L('计票结果报告单', 'Official result sheet');
  }

  function renderReport(): void {
    if (!ctx || !result) {
      put(
        screen,
        error
          ? notice('error', error)
          : notice(
              'info',
              status?.state === 'closed' || !status
                ? L('正在载入…', 'Loading…')
                : L('表决结束后才有报告单。', 'The result sheet exists once the vote is closed.'),
            ),
      );
      return;
    }
    const t = result.tally;
    const recordUrl = `${base}/v1/votes/${voteId}/record`;
    const s = t.shaped?.[0];
    if (ctx.shaped && s) {
      put(
        screen,
        shapedSheet({
          committeeName: ctx.committeeName,
          voteTitle: ctx.definition.title,
          item: ctx.shaped,
          tally: t,
          shaped: s,
          meetingTitle: result.meetingTitle,
          closedAt: result.closedAt,
          headSeq: result.headSeq,
          headHash: result.headHash,
          recordUrl,
        }),
        printRow(),
      );
      return;
    }
    put(
      screen,
      h(
        'article',
        { class: 'report' },
        h('h1', null, L('计票结果报告单', 'Official result of the count')),
        h(
          'dl',
          { class: 'report-meta' },
          h('dt', null, L('委员会', 'Committee')),
          h('dd', null, ctx.committeeName),
          h('dt', null, L('会议', 'Meeting')),
          h('dd', { class: 'report-meeting' }, result.meetingTitle),
          h('dt', null, L('表决事项', 'Vote')),
          h('dd', null, ctx.definition.title),
          h('dt', null, L('计票时间', 'Counted')),
          h(
            'dd',
            { class: 'report-time', 'data-closed-at': result.closedAt },
            new Date(result.closedAt).toLocaleString(document.documentElement.lang, { dateStyle: 'long', timeStyle: 'short' }),
          ),
        ),
        numbers(),
        ctx.definition.items.map((item) =>
          itemTable(
            item,
            t.items.find((x) => x.itemId === item.itemId),
          ),
        ),
        h('p', { class: 'rule' }, rule(t)),
        result.proof ? closeProof(result.proof, t) : null,
        h(
          'div',
          { class: 'signatures' },
          [L('主持人', 'Chair'), L('监票人', 'Scrutineer'), L('监票人', 'Scrutineer'), L('计票人', 'Teller')].map((r) =>
            h('div', null, `${r}（签字）：`, h('span', { class: 'sign-line' })),
          ),
        ),
        h(
          'div',
          { class: 'report-proof' },
          h(
            'div',
            null,
            h('h3', null, L('附：公开记录与核验', 'Appendix: the public record')),
            h('p', null, L('表决编号：', 'Vote id: '), h('code', null, voteId)),
            h('p', null, L(`记录链头（第 ${result.headSeq} 条）哈希：`, `Record head (entry ${result.headSeq}) hash:`)),
            h('p', { class: 'head-hash' }, h('code', { 'data-head-hash': result.headHash }, result.headHash)),
            h('p', null, L('记录地址：', 'Record address: '), h('code', { class: 'record-url' }, recordUrl)),
            h(
              'p',
              { class: 'hint' },
              L(
                '任何人可下载记录，用 piaojue verify 或本系统的“验证”页面独立核验。',
                'Anyone can download the record and check it with `piaojue verify` or the Verify page.',
              ),
            ),
          ),
          qrSvg(recordUrl),
        ),
        h('p', { class: 'printed' }, L('打印时间：', 'Printed: '), new Date().toLocaleString(document.documentElement.lang)),
      ),
      printRow(),
    );
  }

  function printRow(): HTMLElement {
    return h(
      'div',
      { class: 'row no-print' },
      h('button', { type: 'button', class: 'primary print', onclick: () => window.print() }, L('打印', 'Print')),
      h('a', { class: 'button', href: `#/projector?committee=${committeeId}&vote=${voteId}${withMeeting}` }, L('返回大屏', 'Back to the screen')),
    );
  }

  return () => {
    stop();
    stopPager();
  };
}
