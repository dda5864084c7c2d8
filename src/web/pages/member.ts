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
// record in this browser, and can sign (签字确认) only when every check passes.
import { ballotHash, itemKind, overMarkedItems, validateBallot, type Choices, type Mark, type VoteDefinition, type VoteItem } from '../../protocol/ballot.ts';
import { tokenRequestMessage } from '../../protocol/device-key.ts';
import { makeEntry } from '../../protocol/chain.ts';
import { canonicalBytes } from '../../protocol/encoding.ts';
import { confirmationMessage, countersignatureMessage, preparedHash, sealHash } from '../../protocol/close.ts';
import type { VerificationReport } from '../../protocol/verifier.ts';
import { buildBallot, checkReceipt, createTokenRequest, findBallotInRecord, finishToken } from '../../protocol/member-ballot.ts';
import { versionOf } from '../../protocol/version.ts';
import { ApiError, castBallotAnonymously, recordGet, type Session } from '../api.ts';
import { randomBytes } from '../device.ts';
import { h, put } from '../dom.ts';
import { candidatePosts } from '../posts.ts';
import { kindLabel, L, markLabel, stateLabel } from '../i18n.ts';
import { checkVoteRecord, headDigits, pinnedDefinition, RecordError, serviceKeys, verifiedChain, voteCreatedEntry, voteKeyFingerprint, fingerprintWords } from '../record.ts';
import type { GlanceFingerprint } from '../glance.ts';
import { loadVote, saveVote, type StoredVote } from '../store.ts';
import type { Attendance, Closing, Committee, Meeting, Vote } from '../types.ts';
import { describeOutcome } from '../outcome.ts';
import type { VerifyMessage, VerifyRequest } from '../verify-worker.ts';
import { errorText, notice, poll, shortHash, signIn } from '../ui.ts';
import { deviceWatch } from '../device-watch.ts';

const REFRESH_MS = 2000;

interface Msg {
  kind: 'error' | 'ok' | 'info' | 'warn';
  text: string;
  /** The service's error code, or 'network', when the message reports a failed request. */
  code?: string;
}

export function mountMember(root: HTMLElement, params: URLSearchParams): () => void {
  let stop: (() => void) | undefined;
  let gone = false;
  root.append(
    signIn((s) => {
      if (gone) return;
      stop = runMember(root, s, params);
    }, params.get('code') ?? ''),
  );
  return () => {
    gone = true;
    stop?.();
  };
}

function runMember(root: HTMLElement, session: Session, params: URLSearchParams): () => void {
  const me = session.me;
  let committees: Committee[] | undefined;
  let committeeId = params.get('committee') ?? undefined;
  let meetings: Meeting[] = [];
  let meetingId = params.get('meeting') ?? undefined;
  let attendance: Attendance | undefined;
  let votes: Vote[] = [];
  let pageMsg: Msg | undefined;
  const local = new Map<string, StoredVote>();
  const busy = new Set<string>();
  const msgs = new Map<string, Msg>();
  let confirming: string | undefined;
  /** Set once the record contradicts what this device verified before; the page then refuses to vote. */
  let rewritten: string | undefined;
  /** Vote key fingerprints, by vote, from the verified chain. */
  const prints = new Map<string, GlanceFingerprint>();
  /** The close in progress, by vote, as last read from /closing. */
  const closings = new Map<string, Closing>();
  /** An inspector's check of a sealed close, by vote: of which content (auditKey), and what the verifier said. */
  const audits = new Map<string, Audit>();

  const head = h('section', { class: 'card member-head' });
  const list = h('div', { class: 'votes' });
  const cards = new Map<string, { el: HTMLElement; key: string }>();
  let headKey = '';
  const watch = deviceWatch(session);
  // The ballots before the device watch: the open ballot is what a member comes to this page for.
  put(root, h('div', { class: 'member' }, head, list, watch.el));

  const present = () => attendance?.presentMemberIds.includes(me.personId) ?? false;

  async function stored(voteId: string): Promise<StoredVote | undefined> {
    if (!local.has(voteId)) {
      const v = await loadVote(voteId, me.personId);
      if (v) local.set(voteId, v);
    }
    return local.get(voteId);
  }

  async function keep(v: StoredVote): Promise<void> {
    await saveVote(v);
    local.set(v.voteId, v);
  }

  /** 签到即领票: one token per vote, the request stored before it is sent. */
  async function ensureToken(vote: Vote): Promise<void> {
    let v = await stored(vote.id);
    if (v?.token) return;
    if (!v) {
      // A draft is not in the record until it opens (issue 12): the token is taken now (签到即领票)
      // with the key served, and checkRecord holds that key and the whole definition to the
      // record's vote.created entry once the vote opens, before any ballot leaves.
      const { definition, createdHash } = vote.state === 'draft' ? { definition: vote.definition, createdHash: undefined } : await guarded(() => pinnedDefinition(vote.committeeId, vote.id));
      refuseIfRewritten();
      if (definition.publicKey !== vote.definition.publicKey) {
        throw new Error(L('服务提供的表决公钥与公开记录不一致，已拒绝领票。', 'The vote key served differs from the public record; token refused.'));
      }
      v = { voteId: vote.id, personId: me.personId, request: createTokenRequest(vote.id, randomBytes, versionOf(definition)), definition, createdHash };
      await keep(v);
    }
    refuseIfRewritten();
    const deviceSignature = await session.sign(tokenRequestMessage(vote.id, v.request.blindedPoint));
    const reply = await session.post<{ blindSignature: string }>(`/v1/votes/${vote.id}/tokens`, { blindedPoint: v.request.blindedPoint, deviceSignature });
    await keep({ ...v, token: finishToken(v.request, reply.blindSignature, v.definition.publicKey) });
  }

  /** Runs fn; a RecordError saying the record was rewritten makes the page refuse from then on. */
  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RecordError && e.rewritten) rewritten ??= e.message;
      throw e;
    }
  }

  function refuseIfRewritten(): void {
    if (rewritten) throw new RecordError(rewritten, true);
  }

  /**
   * Re-reads the committee's chain (only what is new), which must extend the pinned head, and
   * holds every vote's stored key to its vote.created entry there. Fills in the fingerprints.
   */
  async function checkRecord(): Promise<void> {
    if (!committeeId) return;
    const chain = await guarded(() => verifiedChain(committeeId!));
    for (const vote of votes) {
      const entry = voteCreatedEntry(chain, vote.id);
      if (!entry) continue;
      prints.set(vote.id, voteKeyFingerprint(entry.hash));
      const v = local.get(vote.id);
      const sameDefinition = () => bytesEqual(canonicalBytes(v!.definition), canonicalBytes(entry.body.definition));
      if (v && (v.definition.publicKey !== entry.body.definition.publicKey || (v.createdHash !== undefined ? v.createdHash !== entry.hash : !sameDefinition()))) {
        rewritten ??= L(
          '公开记录中的表决公钥与本设备领票时核验的不一致（记录被改写），本设备拒绝投票。请立即告知监票人。',
          'The vote key in the public record differs from the one this device verified when it fetched its token (the record was rewritten); this device refuses to vote. Tell the scrutineers now.',
        );
      }
    }
  }

  /**
   * Sends the ballot in this device's outbox. Called at the cast and then by every refresh until
   * the service answers with a receipt or a definite refusal; a failure that may pass (no
   * network, the service busy or restarting) leaves it in the outbox for the next round.
   * Re-sending is safe: the service answers the identical ballot with the same receipt.
   */
  async function sendBallot(voteId: string): Promise<void> {
    const v = local.get(voteId);
    if (!v?.ballot || v.receipt || v.refused) return;
    try {
      // The chain once more before the ballot leaves: it must still extend the pinned head, and
      // hold this vote's vote.created entry (its key checked against the one the token is for).
      await checkRecord();
      refuseIfRewritten();
      if (!prints.has(voteId)) throw new RecordError(L('公开记录中还没有这项表决，暂不投出。', 'This vote is not in the public record yet; the ballot waits.'));
      const r = await castBallotAnonymously(v.ballot);
      await checkReceipt(r.receipt, await serviceKeys(), v.ballot);
      const { draft: _draft, ...rest } = v;
      await keep({ ...rest, receipt: r.receipt, ballotHash: r.ballotHash });
    } catch (e) {
      if (e instanceof ApiError && !retryable(e)) await keep({ ...v, refused: { code: e.code, text: errorText(e) } });
      throw e;
    }
  }

  async function checkCounted(vote: Vote): Promise<void> {
    const v = local.get(vote.id);
    if (!v?.receipt || !v.ballotHash) return;
    const record = await recordGet<Parameters<typeof findBallotInRecord>[0]>(`/v1/votes/${vote.id}/record`);
    // Only a record whose links hold and which is the history this device pinned can say
    // whether the ballot was counted.
    await guarded(() => checkVoteRecord(record, vote.committeeId, vote.id));
    const found = findBallotInRecord(record, v.ballotHash);
    let counted = false;
    if (found) {
      await checkReceipt(v.receipt, await serviceKeys(), found);
      counted = true;
    }
    // The last entry of the record just checked (its links verified): the close.
    const last = record.entries.at(-1) as { seq: number; hash: string } | undefined;
    await keep({ ...v, counted, ...(last ? { closedHead: { seq: last.seq, hash: last.hash } } : {}) });
  }

  /**
   * The member's confirmation (version 2): the prepared close is hashed here, the ballot this
   * device cast is looked up in it by the hash kept at casting, and only a ballot found unchanged
   * is confirmed, with a device signature over this device's own hash of what it checked. A
   * ballot that is not there is never confirmed: the card raises the alarm and keeps the receipt.
   */
  async function confirmBallot(vote: Vote): Promise<void> {
    const v = local.get(vote.id);
    if (!v?.ballot || !v.ballotHash || v.confirmedClose || v.missingFromClose) return;
    refuseIfRewritten();
    const view = await session.get<Closing>(`/v1/votes/${vote.id}/closing`);
    closings.set(vote.id, view);
    if (view.state !== 'confirming') return;
    const hash = preparedHash(view.prepared);
    if (view.prepared.voteId !== vote.id || hash !== view.preparedHash) {
      throw new Error(L('服务提供的计票数据与其哈希不符，本设备不予确认。请告知监票人。', 'The close the service shows does not match its hash; this device does not confirm it. Tell the inspectors.'));
    }
    const found = view.prepared.ballots.find((b) => {
      try {
        return ballotHash(b) === v.ballotHash;
      } catch {
        return false;
      }
    });
    if (!found) {
      // With a receipt the ballot was recorded: its absence is the alarm. Without one (still in
      // the outbox when voting ended) the outbox already says it was not delivered.
      if (v.receipt) await keep({ ...v, missingFromClose: hash });
      return;
    }
    if (v.receipt) await checkReceipt(v.receipt, await serviceKeys(), found);
    const deviceSignature = await session.sign(confirmationMessage(vote.id, hash));
    await session.post(`/v1/votes/${vote.id}/confirmations`, { deviceSignature });
    await keep({ ...v, confirmedClose: hash });
  }

  /** Starts the inspector's check of the sealed close (once per content served), in the verifier worker. */
  function startAudit(vote: Vote, view: Closing): void {
    const key = auditKey(view);
    if (audits.get(vote.id)?.key === key) return;
    audits.set(vote.id, { key, running: true });
    auditClose(vote, view).then(
      (r) => audits.set(vote.id, { key, running: false, ...r }),
      (e: unknown) => audits.set(vote.id, { key, running: false, problem: errorText(e) }),
    ).finally(render);
  }

  /**
   * The would-be record: the committee's chain, verified and held to this device's pin, and the
   * vote.closed entry the last countersignature will append (still without countersignatures),
   * checked by the project's verifier as for a published record. The hashes are computed here.
   */
  async function auditClose(vote: Vote, view: Closing): Promise<Pick<Audit, 'report' | 'localSeal' | 'problem'>> {
    const prepared = preparedHash(view.prepared);
    if (view.prepared.voteId !== vote.id || prepared !== view.preparedHash) return { problem: L('计票数据与其哈希不符。', 'The prepared close does not match its hash.') };
    const localSeal = sealHash({ voteId: vote.id, preparedHash: prepared, confirmations: view.confirmations, decision: view.decision });
    if (localSeal !== view.sealHash) return { problem: L('提交签字的数据与其哈希不符。', 'The sealed close does not match its hash.') };
    const chain = await guarded(() => verifiedChain(vote.committeeId));
    const entry = makeEntry(chain.at(-1)!, vote.committeeId, 'vote.closed', { ...view.prepared, confirmations: view.confirmations, decision: view.decision, countersignatures: [] });
    const record = { committeeId: vote.committeeId, voteId: vote.id, entries: [...chain, entry], head: { seq: entry.seq, hash: entry.hash } };
    const report = await runVerifier({ record, jwks: await serviceKeys(), beforeCountersigning: true });
    return { report, localSeal };
  }

  /** 签字确认: signs this device's own hash of the sealed close it verified. */
  async function countersign(vote: Vote): Promise<void> {
    const audit = audits.get(vote.id);
    const view = closings.get(vote.id);
    if (!audit?.report?.ok || !audit.localSeal || !view || audit.key !== auditKey(view) || audit.localSeal !== view.sealHash) return;
    const deviceSignature = await session.sign(countersignatureMessage(vote.id, audit.localSeal));
    closings.set(vote.id, await session.post<Closing>(`/v1/votes/${vote.id}/countersignatures`, { deviceSignature }));
  }

  /** Runs one device task per vote at a time, showing its failure on the vote's card. */
  async function task(voteId: string, fn: () => Promise<void>, quiet: string[] = []): Promise<void> {
    if (busy.has(voteId)) return;
    busy.add(voteId);
    render();
    try {
      await fn();
      msgs.delete(voteId);
    } catch (e) {
      if (e instanceof ApiError && quiet.includes(e.code)) msgs.delete(voteId);
      else msgs.set(voteId, { kind: 'error', text: errorText(e), ...(e instanceof ApiError ? { code: e.code } : {}) });
    } finally {
      busy.delete(voteId);
      render();
    }
  }

  async function refresh(): Promise<void> {
    void watch.refresh();
    try {
      committees ??= (await session.get<{ committees: Committee[] }>('/v1/committees')).committees.filter((c) => me.memberOf.includes(c.id));
      if (committees.length === 0) {
        pageMsg = { kind: 'info', text: L('您不是任何委员会的委员。', 'You are not a member of any committee.') };
        render();
        return;
      }
      committeeId ??= committees[0]!.id;
      meetings = (await session.get<{ meetings: Meeting[] }>(`/v1/committees/${committeeId}/meetings`)).meetings;
      if (!meetingId || !meetings.some((m) => m.id === meetingId)) {
        meetingId = [...meetings].reverse().find((m) => m.state === 'open')?.id ?? meetings.at(-1)?.id;
      }
      if (!meetingId) {
        attendance = undefined;
        votes = [];
        pageMsg = { kind: 'info', text: L('暂无会议。', 'No meeting yet.') };
        render();
        return;
      }
      [attendance, votes] = await Promise.all([
        session.get<Attendance>(`/v1/meetings/${meetingId}/attendance`),
        session.get<{ votes: Vote[] }>(`/v1/meetings/${meetingId}/votes`).then((r) => r.votes),
      ]);
      pageMsg = undefined;
      for (const vote of votes) await stored(vote.id);
      if (votes.some((v) => v.state !== 'closed')) {
        try {
          await checkRecord();
        } catch (e) {
          if (!(e instanceof RecordError && e.rewritten)) throw e;
        }
      }
      render();
      for (const vote of votes) {
        const v = local.get(vote.id);
        if (rewritten && vote.state !== 'closed') continue;
        if ((vote.state === 'draft' || vote.state === 'open') && present() && !v?.token) {
          // Not present (yet) or already closed: nothing to fetch, nothing to report.
          await task(vote.id, () => ensureToken(vote), ['not_eligible']);
        } else if (vote.state === 'open' && v?.ballot && !v.receipt && !v.refused) {
          await task(vote.id, () => sendBallot(vote.id));
        } else if (vote.state === 'confirming' && v?.ballot && v.ballotHash && !v.confirmedClose && !v.missingFromClose) {
          // Sealed meanwhile: too late to confirm, nothing to report on the card.
          await task(vote.id, () => confirmBallot(vote), ['invalid_state']);
        } else if (vote.state === 'closed' && v?.receipt && v.counted === undefined) {
          await task(vote.id, () => checkCounted(vote));
        }
        if (vote.state === 'countersigning') {
          const view = await session.get<Closing>(`/v1/votes/${vote.id}/closing`);
          closings.set(vote.id, view);
          if (view.state === 'countersigning' && view.inspectors.includes(me.personId)) startAudit(vote, view);
        }
      }
    } catch (e) {
      pageMsg = { kind: 'error', text: errorText(e) };
    }
    render();
  }

  function setMark(voteId: string, itemId: string, candidateId: string, mark: Mark): void {
    const v = local.get(voteId);
    if (!v || v.ballot) return;
    const draft: Choices = structuredClone(v.draft ?? {});
    (draft[itemId] ??= {})[candidateId] = mark;
    local.set(voteId, { ...v, draft });
    const hadFocus = document.activeElement instanceof HTMLElement && document.activeElement.dataset.focusKey !== undefined;
    render();
    // The card is rebuilt: put the focus back on the mark just chosen (Enter, Space or an arrow).
    if (hadFocus) root.querySelector<HTMLElement>(`[data-focus-key="${voteId}/${itemId}/${candidateId}/${mark}"]`)?.focus();
    // Kept on the device so a reload mid-vote loses no marks.
    void saveVote({ ...v, draft });
  }

  function unmarked(def: VoteDefinition, draft: Choices | undefined): number {
    let n = 0;
    for (const item of def.items) for (const c of item.candidates) if (!draft?.[item.itemId]?.[c.candidateId]) n++;
    return n;
  }

  function cast(voteId: string, confirmed: boolean): void {
    const v = local.get(voteId);
    if (!v?.token || v.ballot || rewritten) return;
    const choices = v.draft ?? {};
    if (unmarked(v.definition, choices) > 0) return;
    // 确认投票: every ballot is shown back for review before it leaves (and an over-marked
    // item is named there, since it will count as 无效).
    if (!confirmed) {
      confirming = voteId;
      render();
      return;
    }
    confirming = undefined;
    void task(voteId, async () => {
      refuseIfRewritten();
      const ballot = validateBallot(v.definition, buildBallot(v.token!, choices));
      // Into the outbox before anything is sent, network or not: from here on this device only
      // ever sends this very ballot, until it has a receipt.
      await keep({ ...v, ballot, ballotHash: ballotHash(ballot) });
      await sendBallot(voteId);
    });
  }

  function renderHead(): void {
    const committee = committees?.find((c) => c.id === committeeId);
    const meeting = meetings.find((m) => m.id === meetingId);
    const tokens = votes.filter((v) => local.get(v.id)?.token).length;
    const key = JSON.stringify([document.documentElement.lang, committee?.id, meeting?.id, meeting?.state, meetings.length, present(), tokens, votes.length, pageMsg, rewritten]);
    if (key === headKey) return;
    headKey = key;
    const meetingChooser =
      meetings.length > 1
        ? h(
            'select',
            {
              class: 'meeting-select',
              'aria-label': L('会议', 'Meeting'),
              onchange: (ev: Event) => {
                meetingId = (ev.target as HTMLSelectElement).value;
                attendance = undefined;
                votes = [];
                void refresh();
              },
            },
            meetings.map((m) => h('option', { value: m.id, selected: m.id === meetingId }, m.title)),
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
            { class: `signin-state ${present() ? 'ok' : 'waiting'}`, 'data-present': String(present()) },
            present()
              ? L(`已签到 · 已领取 ${tokens} 张选票票证`, `Signed in · ${tokens} ballot token${tokens === 1 ? '' : 's'} on this device`)
              : L('尚未登记到会：秘书登记实到后，本设备会自动领取选票。', 'Not yet recorded present: once the secretary records you, this device fetches your ballots.'),
          )
        : null,
      rewritten ? h('p', { class: 'notice error record-rewritten', role: 'alert' }, rewritten) : null,
      pageMsg ? notice(pageMsg.kind, pageMsg.text) : null,
    );
  }

  function render(): void {
    renderHead();
    const seen = new Set<string>();
    for (const vote of votes) {
      seen.add(vote.id);
      const v = local.get(vote.id);
      const view = closings.get(vote.id);
      const audit = audits.get(vote.id);
      const key = JSON.stringify([
        v?.confirmedClose ?? null,
        v?.missingFromClose ?? null,
        view ? [view.state, view.sealHash, view.countersignedBy, view.inspectors, view.confirmations.length, view.decision] : null,
        audit ? [audit.key, audit.running, audit.report?.ok ?? null, audit.problem ?? null] : null,
        document.documentElement.lang,
        vote.state,
        present(),
        Boolean(v?.token),
        v?.draft,
        Boolean(v?.ballot),
        v?.receipt ?? null,
        v?.counted ?? null,
        v?.refused ?? null,
        busy.has(vote.id),
        msgs.get(vote.id) ?? null,
        confirming === vote.id,
        prints.get(vote.id) ?? null,
        rewritten ?? null,
      ]);
      const old = cards.get(vote.id);
      if (old?.key === key) continue;
      const el = voteCard(vote, v);
      if (old) old.el.replaceWith(el);
      cards.set(vote.id, { el, key });
    }
    for (const [id, c] of cards) {
      if (seen.has(id)) continue;
      c.el.remove();
      cards.delete(id);
    }
    // The open ballot first (one tap away on a phone), then the meeting's order: the newest vote last.
    const order = [...votes.filter((v) => v.state === 'open'), ...votes.filter((v) => v.state !== 'open')].map((v) => cards.get(v.id)!.el);
    if (order.some((el, i) => list.children[i] !== el)) list.replaceChildren(...order);
  }

  function voteCard(vote: Vote, v: StoredVote | undefined): HTMLElement {
    const msg = msgs.get(vote.id);
    const card = h(
      'section',
      { class: `card vote state-${vote.state}`, 'data-vote-id': vote.id, 'data-state': vote.state },
      h('div', { class: 'vote-title' }, h('h3', null, vote.title), h('span', { class: `badge ${vote.state}` }, stateLabel(vote.state))),
    );
    const status = (kind: Msg['kind'], text: string, cls = '') => h('p', { class: `notice ${kind} ${cls}` }, text);

    const print = vote.state !== 'closed' && v && !rewritten ? (prints.get(vote.id) ?? (v.createdHash ? voteKeyFingerprint(v.createdHash) : undefined)) : undefined;
    if (print) card.append(fingerprintLine(print));

    if (rewritten && vote.state !== 'closed' && !v?.receipt) {
      card.append(status('error', L('本设备拒绝在被改写的记录上投票。', 'This device refuses to vote on a rewritten record.'), 'refused'));
    } else if (v?.receipt) {
      card.append(status('ok', L('✓ 已投票，回执已保存在本设备。', '✓ Voted; the receipt is kept on this device.'), 'voted'));
      card.append(h('p', { class: 'hash' }, L('选票指纹 ', 'Ballot hash '), h('code', null, shortHash(v.ballotHash ?? ''))));
      if (vote.state === 'closed') {
        if (v.counted === true) card.append(status('ok', L('✓ 您的选票已计入：在公开记录中找到，且与回执一致。', '✓ Your ballot is counted: it is in the public record and matches the receipt.'), 'counted'));
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
        }
        else if (v.counted === false) card.append(status('error', L('✗ 公开记录中没有找到您的选票！请立即告知监票人。', '✗ Your ballot is NOT in the public record! Tell the scrutineers now.'), 'not-counted'));
        else card.append(status('info', L('正在核对公开记录…', 'Checking the public record…')));
        card.append(h('a', { class: 'link', href: `#/observer?record=${encodeURIComponent(`/v1/votes/${vote.id}/record`)}` }, L('验证整份记录 →', 'Verify the whole record →')));
      } else if (vote.state === 'confirming' || vote.state === 'countersigning') {
        card.append(closeCheck(vote, v));
      }
    } else if (v?.ballot) {
      card.append(outboxStatus(vote, v));
    } else if (vote.state === 'closed') {
      card.append(status('info', L('表决已结束。', 'This vote is closed.')));
    } else if (vote.state === 'confirming' || vote.state === 'countersigning') {
      card.append(status('info', L('投票已结束，正在计票确认。', 'Voting is over; the count is being confirmed.')));
    } else if (!present()) {
      card.append(status('info', L('登记到会后自动领取选票。', 'Your ballot arrives once you are recorded present.')));
    } else if (!v?.token) {
      card.append(status('info', busy.has(vote.id) ? L('正在领取选票…', 'Fetching your ballot…') : L('等待领取选票…', 'Waiting for your ballot…')));
    } else if (vote.state === 'draft') {
      card.append(status('ok', L('✓ 选票已领取，等待开始投票。', '✓ Ballot received; waiting for the vote to open.'), 'token-ready'));
    } else {
      card.append(ballotForm(vote.id, v));
    }
    const view = closings.get(vote.id);
    if (vote.state === 'countersigning' && view?.state === 'countersigning' && view.inspectors.includes(me.personId)) card.append(inspectorPanel(vote, view));
    // An outbox failure is already shown, in its own words, by outboxStatus.
    if (msg && !(v?.ballot && !v.receipt)) card.append(notice(msg.kind, msg.text));
    return card;
  }

  /** While the close is in progress: is this device's ballot in it, and did the device confirm? */
  function closeCheck(vote: Vote, v: StoredVote): HTMLElement {
    if (v.missingFromClose) {
      return h(
        'div',
        { class: 'notice error not-in-close', role: 'alert' },
        h('strong', null, L('✗ 本人选票不在计票结果中，请立即告知监票人。', '✗ Your ballot is NOT in the count. Tell the inspectors now.')),
        h('p', null, L('本设备未予确认。回执仍保存在本设备上，可供监票人核对。', 'This device did not confirm. The receipt is still kept on this device for the inspectors to check.')),
      );
    }
    if (v.confirmedClose) {
      return h('p', { class: 'notice ok confirmed-in-close' }, L('✓ 已确认本人选票在列：计票结果中有您的选票，内容未变。', '✓ Confirmed: your ballot is in the count, unchanged.'));
    }
    if (vote.state === 'confirming') return h('p', { class: 'notice info checking-close' }, L('正在核对计票结果中的本人选票…', 'Looking for your ballot in the count…'));
    return h('p', { class: 'notice info' }, L('计票结果已提交监票人签字。', 'The count is with the inspectors for signature.'));
  }

  /**
   * 监票人: the sealed close in human terms, the verifier's verdict on it (run here), and the
   * signature — offered only once every check passed.
   */
  function inspectorPanel(vote: Vote, view: Closing): HTMLElement {
    const t = view.prepared.tally;
    const audit = audits.get(vote.id);
    const signed = view.countersignedBy.includes(me.personId);
    const ballots = view.prepared.ballots.length;
    const confirmed = view.confirmations.length;
    const current = audit && audit.key === auditKey(view) ? audit : undefined;
    const ok = Boolean(current && !current.running && current.report?.ok && current.localSeal === view.sealHash);
    let verdict: HTMLElement;
    if (!current || current.running) {
      verdict = h('p', { class: 'notice info verify-running', 'data-ok': 'pending' }, L('正在本机核验计票结果…', 'Verifying the count on this phone…'));
    } else if (current.problem) {
      verdict = h('p', { class: 'notice error verify-failed', 'data-ok': 'false', role: 'alert' }, L(`✗ 核验未通过：${current.problem}请勿签字，请告知秘书。`, `✗ Verification failed: ${current.problem} Do not sign; tell the secretary.`));
    } else if (ok) {
      verdict = h('p', { class: 'notice ok verify-ok', 'data-ok': 'true' }, L(`✓ 本机核验通过：${current.report!.checks.length} 项检查全部通过（与公开记录验证使用同一验证程序）。`, `✓ Verified on this phone: all ${current.report!.checks.length} checks pass (the same verifier as for the public record).`));
    } else {
      const failed = current.report?.checks.filter((c) => !c.ok) ?? [];
      verdict = h(
        'div',
        { class: 'notice error verify-failed', 'data-ok': 'false', role: 'alert' },
        h('strong', null, L(`✗ 核验未通过：${failed.length} 项检查未通过。请勿签字，请告知秘书。`, `✗ Verification failed: ${failed.length} check${failed.length === 1 ? '' : 's'} failed. Do not sign; tell the secretary.`)),
        h('ul', null, failed.map((c) => h('li', { 'data-check': c.id }, L(`${c.zh}：${c.detailZh}`, `${c.en}: ${c.detail}`)))),
      );
    }
    const busyNow = busy.has(vote.id);
    return h(
      'section',
      { class: 'inspector-panel', 'data-vote-id': vote.id, 'aria-labelledby': `inspect-${vote.id}` },
      h('h4', { id: `inspect-${vote.id}` }, L('监票人核验', 'Inspector’s check')),
      h('p', { class: 'close-figures' }, L(`应到 ${t.entitled} · 实到 ${t.present} · 发出 ${t.issued} · 收回 ${t.returned}`, `Entitled ${t.entitled} · present ${t.present} · issued ${t.issued} · returned ${t.returned}`)),
      h('p', { class: 'close-confirmations', 'data-confirmations': confirmed }, L(`投票委员确认本人选票在列：${confirmed} 张（收回 ${ballots} 张）`, `Members who confirmed their ballot is in: ${confirmed} (of ${ballots} returned)`)),
      view.decision
        ? h('p', { class: 'notice warn close-decision' }, L(`秘书决定：${view.decision.unconfirmed} 张选票未获确认，照常提交。原因：${view.decision.reason}`, `Secretary’s decision: ${view.decision.unconfirmed} ballot${view.decision.unconfirmed === 1 ? '' : 's'} unconfirmed, sent on. Reason: ${view.decision.reason}`))
        : null,
      vote.definition.items.map((item) => {
        const it = t.items.find((x) => x.itemId === item.itemId);
        if (!it) return null;
        return h(
          'div',
          { class: 'close-item' },
          h('p', { class: 'item-outcome' }, describeOutcome(item, it).sentence),
          h(
            'ul',
            { class: 'close-candidates' },
            it.candidates.map((c) =>
              h(
                'li',
                { 'data-candidate': c.name },
                `${c.name}：`,
                L(`同意 ${c.approve} · 不同意 ${c.disapprove} · 弃权 ${c.abstain}`, `approve ${c.approve} · disapprove ${c.disapprove} · abstain ${c.abstain}`),
                c.defer > 0 ? L(` · 缓议 ${c.defer}`, ` · defer ${c.defer}`) : '',
              ),
            ),
          ),
          h('p', { class: 'hint' }, L(`有效 ${it.valid} · 无效 ${it.invalid}`, `Valid ${it.valid} · invalid ${it.invalid}`)),
        );
      }),
      verdict,
      signed
        ? h('p', { class: 'notice ok countersigned' }, L('✓ 您已签字确认。', '✓ You have signed.'))
        : h(
            'button',
            { type: 'button', class: 'primary big countersign', disabled: !ok || busyNow, onclick: () => void task(vote.id, () => countersign(vote)) },
            busyNow ? L('正在签字…', 'Signing…') : L('签字确认', 'Sign'),
          ),
      signed ? null : h('p', { class: 'hint' }, L('签字即确认：以上计票结果经本机核验无误。全部监票人签字后公布结果。', 'Signing says the count above checked out on this phone. The result is published once every inspector has signed.')),
    );
  }

  /** The outbox, plainly: 正在投出… / 未能投出 (retrying by itself) / 未能投出 (refused for good). */
  function outboxStatus(vote: Vote, v: StoredVote): HTMLElement {
    if (v.refused) {
      return h('p', { class: 'notice error outbox', 'data-outbox': 'refused', role: 'alert' }, L(`未能投出：${v.refused.text}`, `Not cast: ${v.refused.text}`));
    }
    if (vote.state !== 'open' && v.confirmedClose) {
      // The answer was lost, but the ballot is in the count: this device found it there and confirmed.
      return h('p', { class: 'notice ok outbox confirmed-in-close', 'data-outbox': 'in-count' }, L('✓ 已确认本人选票在列：计票结果中有您的选票，内容未变。', '✓ Confirmed: your ballot is in the count, unchanged.'));
    }
    if (vote.state !== 'open') {
      if (vote.state === 'confirming' && busy.has(vote.id)) return h('p', { class: 'notice info outbox', 'data-outbox': 'checking', role: 'status' }, L('正在核对计票结果…', 'Checking the count…'));
      return h('p', { class: 'notice error outbox', 'data-outbox': 'refused', role: 'alert' }, L('未能投出：表决已结束，这张选票未能送达。请告知监票人。', 'Not cast: the vote closed before this ballot arrived. Tell the scrutineers.'));
    }
    const failure = msgs.get(vote.id);
    if (busy.has(vote.id) || !failure) {
      return h('p', { class: 'notice info outbox', 'data-outbox': 'sending', role: 'status' }, L('正在投出…', 'Casting…'));
    }
    const why = failure.code === 'network' ? L('暂时连不上服务。', 'the service cannot be reached right now.') : failure.text;
    return h(
      'p',
      { class: 'notice warn outbox', 'data-outbox': 'retrying', role: 'status' },
      L(`未能投出：${why}选票保存在本设备上，恢复后自动重新投出，无需再次操作。`, `Not cast yet: ${why} The ballot is kept on this device and is sent again by itself once the service is reachable; nothing to do.`),
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

  /** 确认投票: the ballot shown back for review, before anything is sent. */
  function reviewForm(voteId: string, def: VoteDefinition, draft: Choices): HTMLElement {
    const over = def.items.filter((it) => overMarkedItems(def, draft).includes(it.itemId));
    return h(
      'div',
      { class: 'ballot' },
      h(
        'div',
        { class: `confirm review ${over.length > 0 ? 'over-marked' : ''}`, role: 'alertdialog', 'aria-labelledby': `confirm-${voteId}` },
        h('h4', { id: `confirm-${voteId}` }, L('请核对您的选票', 'Check your ballot')),
        def.items.map((it) =>
          h(
            'div',
            { class: 'review-item' },
            h('h5', null, it.post),
            h('ul', null, it.candidates.map((c) => h('li', { 'data-candidate': c.name }, h('span', null, h('span', { class: 'name' }, c.name), candidatePosts(it, c)), h('strong', { class: `mark-text ${draft[it.itemId]?.[c.candidateId] ?? ''}` }, markLabel(draft[it.itemId]![c.candidateId]!))))),
          ),
        ),
        over.length > 0 ? h('h4', { class: 'void-warning' }, L('请注意：以下项目将作废', 'Warning: these items will be void')) : null,
        over.length > 0
          ? h(
              'ul',
              { class: 'void-items' },
              over.map((it) => {
                const n = approvals(it, draft[it.itemId]);
                return h('li', null, L(`「${it.post}」同意 ${n} 人，超过应选 ${it.seats} 名，该项计为无效票。`, `“${it.post}”: ${n} approvals for ${it.seats} seat${it.seats > 1 ? 's' : ''}; this item will count as invalid.`));
              }),
            )
          : null,
        h('p', { class: 'hint' }, L('投出后不能更改。', 'Once cast, it cannot be changed.')),
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', class: 'big back', onclick: () => ((confirming = undefined), render()) }, L('返回修改', 'Go back')),
          h('button', { type: 'button', class: `big ${over.length > 0 ? 'danger' : 'primary'} confirm-cast`, onclick: () => cast(voteId, true) }, over.length > 0 ? L('仍然投出', 'Cast anyway') : L('确认投出', 'Cast it')),
        ),
      ),
    );
  }

  function ballotForm(voteId: string, v: StoredVote): HTMLElement {
    const def = v.definition;
    const draft = v.draft ?? {};
    if (confirming === voteId) return reviewForm(voteId, def, draft);
    const left = unmarked(def, draft);
    const sending = busy.has(voteId);
    const form = h('div', { class: 'ballot' });
    form.append(
      h(
        'section',
        { class: 'instructions' },
        h('h4', null, L('填票说明', 'How to mark')),
        h(
          'p',
          null,
          L(
            `请对每位候选人选择${def.marks.map((m) => `“${markLabel(m)}”`).join('、')}之一。差额项目中“同意”的人数不得超过应选人数，超过则该项作废。全部标记后点“投出选票”，核对无误再确认。`,
            `Choose one of ${def.marks.map((m) => `“${markLabel(m)}”`).join(', ')} for every candidate. In a differential item, approve no more candidates than there are seats, or that item is void. When all are marked, press Cast ballot, check, and confirm.`,
          ),
        ),
      ),
    );
    for (const item of def.items) form.append(itemBlock(voteId, def, item, draft[item.itemId] ?? {}, sending));
    form.append(
      h('p', { class: `left ${left ? 'warn' : ''}` }, left ? L(`还有 ${left} 位候选人未标记。`, `${left} candidate${left > 1 ? 's' : ''} still unmarked.`) : L('已全部标记。', 'All marked.')),
      h(
        'button',
        { type: 'button', class: 'primary big cast', disabled: left > 0 || sending, onclick: () => cast(voteId, false) },
        sending ? L('正在投出…', 'Casting…') : L('投出选票', 'Cast ballot'),
      ),
      h('p', { class: 'hint' }, L('选票不附带您的登录凭据，单独发送；投出后不能更改。', 'Sent on its own, without your sign-in credentials; it cannot be changed once cast.')),
    );
    return form;
  }

  function itemBlock(voteId: string, def: VoteDefinition, item: VoteItem, marks: Record<string, Mark>, disabled: boolean): HTMLElement {
    const n = approvals(item, marks);
    const over = n > item.seats;
    return h(
      'div',
      { class: 'item', 'data-item-id': item.itemId },
      h('div', { class: 'item-head' }, h('h4', null, item.post), h('span', { class: 'kind' }, kindLabel(itemKind(item), item.seats))),
      h(
        'ol',
        { class: 'candidates' },
        item.candidates.map((c) =>
          h(
            'li',
            { class: 'candidate', 'data-candidate': c.name },
            h('span', { class: 'name' }, c.name),
            candidatePosts(item, c),
            h(
              'div',
              { class: 'marks', role: 'radiogroup', 'aria-label': c.name },
              def.marks.map((m, k) => {
                const chosen = marks[c.candidateId];
                // One tab stop per candidate (the chosen mark, else the first); arrows move and choose.
                const tabStop = chosen === undefined ? k === 0 : chosen === m;
                return h(
                  'button',
                  {
                    type: 'button',
                    role: 'radio',
                    class: `mark ${m} ${chosen === m ? 'selected' : ''}`,
                    'data-mark': m,
                    'data-focus-key': `${voteId}/${item.itemId}/${c.candidateId}/${m}`,
                    'aria-checked': String(chosen === m),
                    tabindex: tabStop ? '0' : '-1',
                    disabled,
                    onclick: () => setMark(voteId, item.itemId, c.candidateId, m),
                    onkeydown: (ev: KeyboardEvent) => {
                      const step = ev.key === 'ArrowRight' || ev.key === 'ArrowDown' ? 1 : ev.key === 'ArrowLeft' || ev.key === 'ArrowUp' ? -1 : 0;
                      if (step === 0) return;
                      ev.preventDefault();
                      const next = def.marks[(k + step + def.marks.length) % def.marks.length]!;
                      setMark(voteId, item.itemId, c.candidateId, next);
                    },
                  },
                  markLabel(m),
                );
              }),
            ),
          ),
        ),
      ),
      h(
        'p',
        { class: `approve-count ${over ? 'over' : ''}`, 'aria-live': 'polite' },
        L(`同意 ${n} / 应选 ${item.seats}`, `Approve ${n} / ${item.seats} seat${item.seats > 1 ? 's' : ''}`),
        over ? h('strong', null, L('  超过应选人数，此项将无效', '  more than the seats: this item will be void')) : null,
      ),
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

/** A refusal that may pass by itself: no network, the service busy, restarting or overloaded. */
function retryable(e: ApiError): boolean {
  return e.code === 'network' || e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500;
}

function approvals(item: VoteItem, marks: Record<string, Mark> | undefined): number {
  return item.candidates.filter((c) => marks?.[c.candidateId] === 'approve').length;
}

/** An inspector's check of one sealed close. */
interface Audit {
  /** What was checked (auditKey): another close served, even under the same sealHash, is checked anew. */
  key: string;
  running: boolean;
  /** This device's own hash of the sealed close (what it signs). */
  localSeal?: string;
  report?: VerificationReport;
  problem?: string;
}

/** The sealed close as served, by content: the seal hash it states and the one computed from what it holds. */
function auditKey(view: Closing): string {
  try {
    return `${view.sealHash}:${sealHash({ voteId: view.voteId, preparedHash: preparedHash(view.prepared), confirmations: view.confirmations, decision: view.decision })}`;
  } catch {
    // Malformed: the check itself reports it.
    return `${view.sealHash}:malformed`;
  }
}

/** verifyRecord in the verifier worker (the observer's), off the page's thread. */
function runVerifier(request: VerifyRequest): Promise<VerificationReport> {
  return new Promise((resolve, reject) => {
    const meta = document.querySelector<HTMLMetaElement>('meta[name="piaojue-verify-worker"]');
    if (!meta?.content) {
      reject(new Error('verifier worker not found'));
      return;
    }
    const worker = new Worker(meta.content, { type: 'module', name: 'piaojue-verifier' });
    worker.onmessage = (ev: MessageEvent<VerifyMessage>) => {
      const m = ev.data;
      if (m.type === 'progress') return;
      worker.terminate();
      if (m.type === 'done') resolve(m.report);
      else reject(new Error(m.message));
    };
    worker.onerror = (ev) => {
      worker.terminate();
      reject(new Error(ev.message || 'verifier failed'));
    };
    worker.postMessage(request);
  });
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
