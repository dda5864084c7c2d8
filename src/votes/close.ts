// The close of a vote (protocol version 2, src/protocol/close.ts): prepare, members confirm,
// the secretary seals, the inspectors (监票人) countersign, and the last countersignature
// publishes the vote.closed entry. A version-1 vote closes in one step, as it always did.
//
// States: open → confirming (prepared; members confirm) → countersigning (sealed; inspectors
// sign) → closed (published). Every step is idempotent: a request sent again gets the answer
// the first one got.
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import type { Principal } from '../principal.ts';
import { appendCanonicalEntry, appendEntry } from '../chain/store.ts';
import { CanonicalText, canonicalArrayText, canonicalMembers, canonicalObjectText, canonicalText, sha256Hex } from '../chain/canonical-text.ts';
import { lockExclusive, lockShared } from '../db/locks.ts';
import { findMeeting, getAttendance } from '../meetings/service.ts';
import { listVotingMemberIds } from '../meetings/queries.ts';
import type { Ballot, VoteDefinition } from '../protocol/ballot.ts';
import { compareStrings, voteClosedBody, type Issuance } from '../protocol/chain.ts';
import {
  confirmationMessage,
  countersignatureMessage,
  sealHash,
  sortByMember,
  unconfirmedCount,
  type MemberSignature,
  type PreparedClose,
  type UnconfirmedDecision,
} from '../protocol/close.ts';
import { signTally } from '../protocol/receipt.ts';
import { computeTally, type Tally } from '../protocol/tally.ts';
import { versionOf } from '../protocol/version.ts';
import { openBallot } from './sealing.ts';
import { findVote, publishedTally, viewVote, type VoteView } from './service.ts';
import { readIssuedDevice } from './queries.ts';
import {
  confirmationExists,
  deleteInspectors,
  insertConfirmation,
  insertInspectors,
  listConfirmations,
  listCountersigners,
  listCountersignatures,
  listCountersigningVotes,
  listInspectors,
  listIssuancesWithFingerprints,
  listSealedBallots,
  markVoteClosed,
  readPrepared,
  markVotePrepared,
  markVotePublished,
  markVoteSealed,
  readSigningDevice,
  upsertCountersignature,
} from './close-queries.ts';
import { slipClose } from '../participants/service.ts';

/**
 * The record is append-only: a close that would publish what the verifier refuses could never
 * be repaired. These are the verifier's turnout and issuance checks, run before the close.
 */
function assertPublishable(definition: VoteDefinition, issuances: Issuance[], returned: number, present: string[]): void {
  const here = new Set(present);
  const absent = issuances.find((i) => !here.has(i.memberId));
  if (absent) throw new AppError('invalid_state', `A token was issued to ${absent.memberId}, who is not recorded present; the vote cannot be closed.`);
  if (!(returned <= issuances.length && issuances.length <= present.length && present.length <= definition.entitled)) {
    throw new AppError(
      'invalid_state',
      `收回 ${returned}, 发出 ${issuances.length}, 实到 ${present.length}, 应到 ${definition.entitled} are inconsistent; the vote cannot be closed.`,
    );
  }
}

export interface CloseAnswer {
  vote: VoteView;
  tally: Tally;
  tallySignature: string;
  /** Version 2: the hash members confirm (null for a version-1 vote). */
  preparedHash: string | null;
}

/**
 * The secretary closes a vote. Version 2: casting stops and the close is prepared — issuances,
 * ballots, the tally and its signature — for the members to confirm; nothing is appended yet.
 * Version 1: the close is published at once. A close sent again gets the same answer.
 */
export async function closeVote(ctx: AppContext, voteId: string, by: string): Promise<CloseAnswer> {
  const out = await ctx.db.transaction(async (tx) => {
    // Everything read below must be what the chain says at the moment of the close: hold the
    // meeting (attendance), the vote (issuances) and the chain head for the whole transaction.
    // Lock order (src/db/locks.ts): meeting lock, vote lock, votes row, chain head.
    const { meeting_id: meetingId } = await findVote(tx, voteId);
    await lockShared(tx, 'meeting', meetingId);
    await lockExclusive(tx, 'vote', voteId);
    await ctx.checkpoint?.('closeVote.locking', tx);
    const vote = await findVote(tx, voteId, true);
    if (vote.state === 'closed') {
      const published = await publishedTally(tx, vote);
      return { tally: published.tally, tallySignature: published.tallySignature, preparedHash: published.preparedHash };
    }
    if (vote.state === 'confirming' || vote.state === 'countersigning') {
      const prepared = preparedParts(await readPrepared(tx, voteId));
      return { tally: prepared.tally, tallySignature: prepared.tallySignature, preparedHash: vote.prepared_hash };
    }
    if (vote.state !== 'open') throw new AppError('invalid_state', `The vote is ${vote.state}; only an open vote can be closed.`);
    const definition = JSON.parse(vote.definition) as VoteDefinition;
    const issuances = (await listIssuancesWithFingerprints(tx, voteId)).map((r): Issuance => ({
      memberId: r.personId,
      blindedPoint: r.blindedPoint,
      deviceSignature: r.deviceSignature,
      deviceFingerprint: r.fingerprint,
    }));
    // In the record's order (voteClosedBody's: by ballot hash), each with its canonical text.
    const ballots = (await listSealedBallots(tx, voteId)).map((r) => openedBallot(ctx, voteId, r)).sort((a, b) => compareStrings(a.hash, b.hash));
    const attendance = await getAttendance(tx, vote.meeting_id);
    // Issue 15 hook: a vote of a meeting of participants closes with its slips' tokens, 实到 = slips issued.
    const slips = await slipClose(tx, vote.meeting_id, voteId, definition.entitled, ballots.length);
    if (!slips) assertPublishable(definition, issuances, ballots.length, attendance.presentMemberIds);
    const turnout = slips ? { issued: slips.slipTokens.length, present: slips.present } : { issued: issuances.length, present: attendance.present };
    const tally = computeTally(
      definition,
      ballots.map((b) => b.ballot),
      turnout,
    );
    const tallySignature = await signTally(tally, ctx.keys.privateKey, ctx.keys.kid);
    const body = { ...voteClosedBody({ voteId, issuances, ballots, tally, tallySignature }), ...(slips ? { slipTokens: slips.slipTokens } : {}) };
    // The body's canonical text around the ballots' own (stored canonical at the cast): the
    // megabytes of a large meeting's ballots are not canonicalised again.
    const members = { ...body, ballots: new CanonicalText(canonicalArrayText(ballots.map((b) => b.text))) };
    if (versionOf(definition) === 1) {
      const entry = await appendCanonicalEntry(tx, vote.committee_id, 'vote.closed', canonicalObjectText(members));
      await markVoteClosed(tx, voteId, ctx.now(), entry.seq);
      return { tally, tallySignature, preparedHash: null };
    }
    // preparedHash (protocol/close.ts) of { ...body, by }: SHA-256 of its canonical text, which is stored.
    const prepared = canonicalObjectText({ ...members, by });
    const hash = sha256Hex(prepared);
    await markVotePrepared(tx, voteId, prepared, hash, ctx.now());
    return { tally, tallySignature, preparedHash: hash };
  });
  return { vote: await viewVote(ctx.db, await findVote(ctx.db, voteId)), ...out };
}

/**
 * A stored ballot opened: the record's ballot and its canonical text. The sealed text is the
 * canonical ballot and its padding (ballot-v2.ts sealedBallotText); that the text less the
 * padding hashes to the ballot hash recorded at the cast shows it is that canonical form (the
 * hash covers the canonical ballot), so it goes into the record as is. Otherwise it is
 * canonicalised here.
 */
function openedBallot(
  ctx: AppContext,
  voteId: string,
  r: { token: string; ballot: string; ballotHash: string },
): { ballot: Ballot; hash: string; text: string } {
  const sealed = openBallot(ctx.keys, voteId, r.token, r.ballot);
  const ballot = JSON.parse(sealed) as Ballot;
  const trimmed = sealed.trimEnd();
  return { ballot, hash: r.ballotHash, text: sha256Hex(trimmed) === r.ballotHash ? trimmed : canonicalText(ballot) };
}

/** The stored prepared close, split into its members (texts), with the small ones it is read for. */
function preparedParts(text: string): { members: Map<string, CanonicalText>; tally: Tally; tallySignature: string } {
  const members = canonicalMembers(text);
  const member = (key: keyof PreparedClose): unknown => JSON.parse(members.get(key)!.text);
  return { members, tally: member('tally') as Tally, tallySignature: member('tallySignature') as string };
}

/** What committee members see of a close in progress (and of a published one). */
export interface ClosingView {
  voteId: string;
  state: 'confirming' | 'countersigning' | 'closed';
  prepared: PreparedClose;
  preparedHash: string;
  /** Who confirmed (the record publishes it: who cast, never how). */
  confirmedBy: string[];
  /** The confirmations as the record will keep them (sorted by memberId): an inspector's device verifies the sealed close with them. */
  confirmations: MemberSignature[];
  decision: UnconfirmedDecision | null;
  /** Set once the secretary sealed the confirmations: what the inspectors sign. */
  sealHash: string | null;
  inspectors: string[];
  countersignedBy: string[];
}

/**
 * The ClosingView as JSON text, the route's answer: the prepared close (megabytes at a meeting of
 * thousands) is spliced in as stored, neither parsed nor serialised again — or as the caller
 * already read it (`prepared`: it never changes once stored).
 */
export async function closingView(q: Queryable, voteId: string, prepared?: string): Promise<string> {
  const vote = await findVote(q, voteId);
  if (vote.state !== 'confirming' && vote.state !== 'countersigning' && vote.state !== 'closed') {
    throw new AppError('invalid_state', `The vote is ${vote.state}; nothing is prepared until it closes.`);
  }
  if (vote.prepared_hash === null) throw new AppError('invalid_state', 'This vote closed in one step (protocol version 1); its record is published.');
  const confirmations = await confirmationsOf(q, voteId);
  const view: Omit<ClosingView, 'prepared'> = {
    voteId,
    state: vote.state,
    preparedHash: vote.prepared_hash,
    confirmedBy: confirmations.map((c) => c.memberId),
    confirmations,
    decision: vote.decision === null ? null : (JSON.parse(vote.decision) as UnconfirmedDecision),
    sealHash: vote.seal_hash,
    inspectors: await listInspectors(q, vote.meeting_id),
    countersignedBy: await listCountersigners(q, voteId),
  };
  return `{"prepared":${prepared ?? (await readPrepared(q, voteId))},${JSON.stringify(view).slice(1)}`;
}

/**
 * A member's device confirms that its ballot is in the prepared close: a signature over
 * (voteId, preparedHash) by the device that asked for the member's token. Only while the vote
 * is confirming; a confirmation sent again is answered as the first.
 */
export async function confirmClose(ctx: AppContext, principal: Principal, voteId: string, signature: string): Promise<{ voteId: string; confirmed: true }> {
  await ctx.db.transaction(async (tx) => {
    await lockShared(tx, 'vote', voteId);
    const vote = await findVote(tx, voteId);
    const issuedDevice = await readIssuedDevice(tx, voteId, principal.personId);
    if (issuedDevice === undefined) throw new AppError('not_eligible', 'Only a member who received a ballot token for this vote confirms its close.');
    if (await confirmationExists(tx, voteId, principal.personId)) return;
    if (vote.state !== 'confirming')
      throw new AppError(
        'invalid_state',
        vote.state === 'open' ? 'The vote is still open; confirm after the secretary closes it.' : 'Confirmations are sealed; it is too late to confirm.',
      );
    if (issuedDevice !== principal.deviceId)
      throw new AppError('wrong_device', 'Confirm with the device that received your ballot token: only it holds your ballot.');
    const device = await readSigningDevice(tx, principal.deviceId);
    if (!(await ctx.crypto.run('verifyDevice', device.key, confirmationMessage(voteId, vote.prepared_hash!), signature))) {
      throw new AppError('invalid_signature', "The device signature over (voteId, preparedHash) does not verify with this device's key.", {
        field: 'deviceSignature',
      });
    }
    await insertConfirmation(tx, voteId, { personId: principal.personId, deviceFingerprint: device.fingerprint, signature });
  });
  return { voteId, confirmed: true };
}

/**
 * The secretary seals the confirmations for the inspectors. When ballots outnumber the
 * confirmations, only with a reason: the shortfall and the reason become a recorded decision
 * that the inspectors countersign and the report shows. The meeting must have inspectors, all
 * of them present.
 */
export async function sealClose(ctx: AppContext, voteId: string, by: string, input: { unconfirmedReason?: string | undefined }): Promise<string> {
  const prepared = await ctx.db.transaction(async (tx) => {
    const { meeting_id: meetingId } = await findVote(tx, voteId);
    await lockShared(tx, 'meeting', meetingId);
    await lockExclusive(tx, 'vote', voteId);
    const vote = await findVote(tx, voteId, true);
    if (vote.state === 'countersigning' || vote.state === 'closed') return undefined;
    if (vote.state !== 'confirming') throw new AppError('invalid_state', `The vote is ${vote.state}; close it before sealing its confirmations.`);
    const inspectors = await listInspectors(tx, meetingId);
    if (inspectors.length === 0) throw new AppError('inspectors_missing', 'Designate the meeting’s inspectors (监票人) before sealing the close.');
    const present = new Set((await getAttendance(tx, meetingId)).presentMemberIds);
    const absent = inspectors.find((m) => !present.has(m));
    if (absent) throw new AppError('inspectors_missing', `Inspector ${absent} is not recorded present; designate present members.`);
    // 收回, the prepared close's ballots: its tally counts them (returned).
    const prepared = await readPrepared(tx, voteId);
    const returned = preparedParts(prepared).tally.returned;
    const confirmations = await confirmationsOf(tx, voteId);
    const missing = unconfirmedCount(returned, confirmations.length);
    const reason = input.unconfirmedReason?.trim() ?? '';
    if (missing > 0 && reason === '') {
      throw new AppError(
        'confirmations_missing',
        `${missing} of 收回 ${returned} ballots have no confirmation yet; wait for them, or seal with a recorded reason.`,
        {
          extra: { ballots: returned, confirmations: confirmations.length },
        },
      );
    }
    const decision: UnconfirmedDecision | null = missing > 0 ? { unconfirmed: missing, reason, by } : null;
    const hash = sealHash({ voteId, preparedHash: vote.prepared_hash!, confirmations, decision });
    await markVoteSealed(tx, voteId, decision ? JSON.stringify(decision) : null, hash);
    return prepared;
  });
  return closingView(ctx.db, voteId, prepared);
}

/** The confirmations as the record keeps them: sorted by member. */
async function confirmationsOf(q: Queryable, voteId: string): Promise<MemberSignature[]> {
  return sortByMember(
    (await listConfirmations(q, voteId)).map((r) => ({ memberId: r.personId, deviceFingerprint: r.deviceFingerprint, signature: r.signature })),
  );
}

/**
 * An inspector countersigns the sealed close with one of their devices. When every designated
 * inspector has countersigned, the close is published in the same transaction.
 */
export async function countersignClose(ctx: AppContext, principal: Principal, voteId: string, signature: string): Promise<string> {
  const prepared = await ctx.db.transaction(async (tx) => {
    const { meeting_id: meetingId } = await findVote(tx, voteId);
    await lockShared(tx, 'meeting', meetingId);
    await lockExclusive(tx, 'vote', voteId);
    const vote = await findVote(tx, voteId, true);
    const inspectors = await listInspectors(tx, meetingId);
    if (!inspectors.includes(principal.personId))
      throw new AppError('forbidden', 'Only a designated inspector (监票人) of this meeting countersigns the close.');
    if (vote.state === 'closed') return undefined;
    if (vote.state !== 'countersigning')
      throw new AppError('invalid_state', `The vote is ${vote.state}; the secretary seals the confirmations before the inspectors countersign.`);
    const device = await readSigningDevice(tx, principal.deviceId);
    if (!(await ctx.crypto.run('verifyDevice', device.key, countersignatureMessage(voteId, vote.seal_hash!), signature))) {
      throw new AppError('invalid_signature', "The device signature over (voteId, sealHash) does not verify with this device's key.", {
        field: 'deviceSignature',
      });
    }
    await upsertCountersignature(tx, voteId, { personId: principal.personId, deviceFingerprint: device.fingerprint, signature });
    return (await publishIfCountersigned(ctx, tx, voteId)) ?? undefined;
  });
  return closingView(ctx.db, voteId, prepared);
}

/**
 * Appends the vote.closed entry when every inspector designated now has countersigned (called
 * after a countersignature and after a new designation). The caller holds the meeting lock and
 * the vote's lock. Answers the prepared close's text it read when it published, else null.
 */
export async function publishIfCountersigned(ctx: AppContext, tx: Queryable, voteId: string): Promise<string | null> {
  const vote = await findVote(tx, voteId, true);
  if (vote.state !== 'countersigning') return null;
  const inspectors = await listInspectors(tx, vote.meeting_id);
  const rows = await listCountersignatures(tx, voteId);
  const current = new Set(inspectors);
  const countersignatures = sortByMember(
    rows.filter((r) => current.has(r.personId)).map((r) => ({ memberId: r.personId, deviceFingerprint: r.deviceFingerprint, signature: r.signature })),
  );
  if (inspectors.length === 0 || countersignatures.length < inspectors.length) return null;
  // The prepared close's members as stored (canonical text), with the signatures added.
  const prepared = await readPrepared(tx, voteId);
  const body = canonicalObjectText({
    ...Object.fromEntries(canonicalMembers(prepared)),
    confirmations: await confirmationsOf(tx, voteId),
    decision: vote.decision === null ? null : (JSON.parse(vote.decision) as UnconfirmedDecision),
    countersignatures,
  });
  const entry = await appendCanonicalEntry(tx, vote.committee_id, 'vote.closed', body);
  await markVotePublished(tx, voteId, entry.seq);
  return prepared;
}

/**
 * The secretary designates the meeting's inspectors (监票人): active voting members of the
 * committee, recorded on the chain. A later designation replaces the earlier — the way to
 * replace an inspector who cannot sign, visible to everyone; a close waiting only for the
 * replaced inspector is then published.
 */
export async function designateInspectors(ctx: AppContext, meetingId: string, ids: string[], by: string): Promise<{ meetingId: string; inspectors: string[] }> {
  const inspectors = [...new Set(ids)].sort();
  await ctx.db.transaction(async (tx) => {
    // Lock order (src/db/locks.ts): meeting lock, vote locks, meetings row, votes rows, chain head.
    await lockExclusive(tx, 'meeting', meetingId);
    const waiting = await listCountersigningVotes(tx, meetingId);
    for (const voteId of waiting) await lockExclusive(tx, 'vote', voteId);
    const meeting = await findMeeting(tx, meetingId, true);
    if (meeting.state === 'closed') throw new AppError('invalid_state', 'The meeting is closed.');
    const eligible = new Set(await listVotingMemberIds(tx, meeting.committeeId));
    const bad = ids.findIndex((id) => !eligible.has(id));
    if (bad >= 0) throw new AppError('validation_failed', 'Every inspector must be an active voting member of this committee.', { field: `inspectors.${bad}` });
    await deleteInspectors(tx, meetingId);
    await insertInspectors(tx, meetingId, inspectors);
    await appendEntry(tx, meeting.committeeId, 'inspectors.designated', { meetingId, inspectors, by });
    for (const voteId of waiting) await publishIfCountersigned(ctx, tx, voteId);
  });
  return { meetingId, inspectors };
}

export async function meetingInspectors(q: Queryable, meetingId: string): Promise<{ meetingId: string; inspectors: string[] }> {
  return { meetingId, inspectors: await listInspectors(q, meetingId) };
}
