// Votes (表决): creation with stroke-ordered candidates and a fresh BLS key, token issuance to
// present members, anonymous casting, and the close that appends issuances, ballots and the
// signed tally to the record in one transaction.
import { randomBytes } from '@noble/hashes/utils.js';
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import type { Principal } from '../principal.ts';
import { appendEntry, chainHead, readEntries } from '../chain/store.ts';
import { isUniqueViolation } from '../db/faults.ts';
import { lockMeetingAndVoteShared, lockShared } from '../db/locks.ts';
import { sortNames } from '../collation/index.ts';
import { voteRules } from '../committees/rules.ts';
import { assertCanRead } from '../committees/access.ts';
import { findMeeting, getAttendance } from '../meetings/service.ts';
import { countVotingMembers, isPresent, shareLockMeeting } from '../meetings/queries.ts';
import {
  ballotHash,
  ballotTokenId,
  checkCandidateRatio,
  validateBallot,
  type Ballot,
  type BallotV2,
  type VoteDefinition,
  type VoteItem,
} from '../protocol/ballot.ts';
import { ballotPadding, sealedBallotText } from '../protocol/ballot-v2.ts';
import { CURRENT_VERSION, versionOf } from '../protocol/version.ts';
import type { ChainEntry } from '../protocol/chain.ts';
import { tokenRequestMessage } from '../protocol/device-key.ts';
import { canonicalBytes, fromBase64url, toBase64url } from '../protocol/encoding.ts';
import { signReceipt } from '../protocol/receipt.ts';
import type { Tally } from '../protocol/tally.ts';
import { generateVoteKey } from '../protocol/tokens.ts';
import { openVoteSecret, sealBallot, sealVoteSecret } from './sealing.ts';
import { castState } from './admission.ts';
import {
  countTurnout,
  insertIssuance,
  insertVote,
  listIssuedMembers,
  listMeetingVotes,
  lockCommitteeRules,
  markVoteOpen,
  newVoteId,
  readBallot,
  readCastState,
  readIssuance,
  readReportHeading,
  readTokenRequest,
  readVote,
  readVoteDefinition,
  runoffExists,
  type VoteRow,
  type VoteState,
} from './queries.ts';
import { checkSlipsVoteOpens, isSlipsMeeting } from '../participants/service.ts';

export type { VoteState };

export interface VoteView {
  id: string;
  meetingId: string;
  committeeId: string;
  title: string;
  state: VoteState;
  definition: VoteDefinition;
  runoffOf: string | null;
  /** Seq of the vote.created entry, appended when the vote opens; null while a draft. */
  createdSeq: number | null;
  closedSeq: number | null;
  turnout: { issued: number; returned: number };
  createdAt: string;
  openedAt: string | null;
  closedAt: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const decoder = new TextDecoder();

/** The vote's row (without its sealed secret), locked for update when asked; not_found if there is none. */
export async function findVote(q: Queryable, voteId: string, forUpdate = false): Promise<VoteRow> {
  const row = await readVote(q, voteId, forUpdate);
  if (!row) throw new AppError('not_found', 'No such vote.');
  return row;
}

export async function viewVote(q: Queryable, row: VoteRow): Promise<VoteView> {
  return {
    id: row.id,
    meetingId: row.meeting_id,
    committeeId: row.committee_id,
    title: row.title,
    state: row.state,
    definition: JSON.parse(row.definition) as VoteDefinition,
    runoffOf: row.runoff_of,
    createdSeq: row.created_seq === null ? null : Number(row.created_seq),
    closedSeq: row.closed_seq === null ? null : Number(row.closed_seq),
    turnout: await countTurnout(q, row.id),
    createdAt: iso(row.created_at)!,
    openedAt: iso(row.opened_at),
    closedAt: iso(row.closed_at),
  };
}

/** A candidate as created: a name, or a name with 现任职务 and 拟任职务 (absent: the item's post). */
export type CandidateInput = string | { name: string; currentPost?: string | undefined; proposedPost?: string | undefined };

export interface ItemInput {
  post: string;
  seats: number;
  candidates: CandidateInput[];
}

/**
 * Creates a vote in a meeting: candidates in stroke order (the committee's convention), a
 * fresh BLS12-381 key, and the vote.created entry in the record, all in one transaction.
 * A differential item below the committee's ratio is refused, except in a run-off, whose
 * candidates the tie has fixed.
 */
export async function createVote(
  ctx: AppContext,
  meetingId: string,
  input: { title: string; items: ItemInput[] },
  options: { runoffOf?: string; by: string },
): Promise<VoteView> {
  const id = await ctx.db.transaction(async (tx) => {
    const meeting = await findMeeting(tx, meetingId, true);
    if (meeting.state === 'closed') throw new AppError('invalid_state', 'The meeting is closed; no vote can be added.');
    const { committeeId } = meeting;
    const rules = await lockCommitteeRules(tx, committeeId);
    const entitled = await countVotingMembers(tx, committeeId);
    if (entitled === 0) throw new AppError('invalid_state', 'The committee has no voting members.');
    const voteId = await newVoteId(tx);
    let candidateNo = 0;
    const items: VoteItem[] = input.items.map((item, i) => {
      // Each sorted name takes its own posts back (names are unique within an item: the route
      // refuses repeats; the queue keeps even a repeat paired). A post is stored only when given:
      // a candidate without posts is written exactly as before.
      const given = new Map<string, CandidateInput[]>();
      for (const c of item.candidates) {
        const n = typeof c === 'string' ? c : c.name;
        given.set(n, [...(given.get(n) ?? []), c]);
      }
      const { names } = sortNames(
        item.candidates.map((c) => (typeof c === 'string' ? c : c.name)),
        rules.collation,
      );
      return {
        itemId: `i${i + 1}`,
        post: item.post,
        seats: item.seats,
        candidates: names.map((name) => {
          const c = given.get(name)!.shift()!;
          return {
            candidateId: `c${++candidateNo}`,
            name,
            ...(typeof c !== 'string' && c.currentPost !== undefined ? { currentPost: c.currentPost } : {}),
            ...(typeof c !== 'string' && c.proposedPost !== undefined ? { proposedPost: c.proposedPost } : {}),
          };
        }),
      };
    });
    if (!options.runoffOf) {
      for (const [i, item] of items.entries()) {
        try {
          checkCandidateRatio(item, rules.minCandidateRatio);
        } catch (e) {
          throw new AppError('candidate_ratio_too_low', (e as Error).message, { field: `items.${i}.candidates` });
        }
      }
    }
    const key = generateVoteKey(randomBytes);
    const definition: VoteDefinition = {
      voteId,
      committeeId,
      meetingId,
      title: input.title,
      items,
      marks: rules.marks,
      rules: voteRules(rules),
      entitled,
      publicKey: toBase64url(key.publicKey),
      version: CURRENT_VERSION,
      runoffOf: options.runoffOf ?? null,
    };
    // No chain entry yet: a draft's definition (its candidates) is published when the vote
    // opens (openVote), never before — the record may be public (issue 12).
    await insertVote(tx, {
      id: voteId,
      meetingId,
      committeeId,
      title: input.title,
      definition: decoder.decode(canonicalBytes(definition)),
      publicKey: definition.publicKey,
      secretKeySealed: sealVoteSecret(ctx.keys, voteId, key.secretKey),
      runoffOf: options.runoffOf ?? null,
      createdAt: ctx.now(),
    });
    return voteId;
  });
  return viewVote(ctx.db, await findVote(ctx.db, id));
}

export async function listVotes(q: Queryable, meetingId: string): Promise<VoteView[]> {
  const rows = await listMeetingVotes(q, meetingId);
  return Promise.all(rows.map((r) => viewVote(q, r)));
}

/**
 * Opens a draft vote: its vote.created entry — the definition with the candidates and the vote's
 * key — enters the committee's chain now, in the same transaction, naming the secretary who
 * opened it. Until this moment no reader of the record has seen the candidates.
 */
export async function openVote(ctx: AppContext, voteId: string, by: string): Promise<VoteView> {
  await ctx.db.transaction(async (tx) => {
    // Lock order (src/db/locks.ts): meeting lock, meetings row, votes row. The meeting lock
    // keeps attendance still under the quorum check; the meetings row, share-locked, orders
    // this against a meeting close on any instance (which locks it for update and then looks
    // for open votes).
    const { meeting_id: meetingId } = await findVote(tx, voteId);
    await lockShared(tx, 'meeting', meetingId);
    const meeting = await shareLockMeeting(tx, meetingId);
    const vote = await findVote(tx, voteId, true);
    if (vote.state !== 'draft') throw new AppError('invalid_state', `The vote is ${vote.state}; only a draft vote can be opened.`);
    if (meeting.state !== 'open') throw new AppError('invalid_state', 'Open the meeting before opening a vote.');
    const attendance = await getAttendance(tx, vote.meeting_id);
    // Issue 15 hook: a meeting of participants has no members' quorum; it needs slips issued.
    const slips = await checkSlipsVoteOpens(tx, vote.meeting_id);
    if (!slips && !attendance.quorumMet) {
      throw new AppError('quorum_not_met', `实到 ${attendance.present} of 应到 ${attendance.entitled}; ${attendance.quorumRequired} are needed.`, {
        extra: { present: attendance.present, entitled: attendance.entitled, quorumRequired: attendance.quorumRequired },
      });
    }
    await ctx.checkpoint?.('openVote.checked', tx);
    const definition = JSON.parse(vote.definition) as VoteDefinition;
    const entry = await appendEntry(tx, vote.committee_id, 'vote.created', { definition, by });
    await markVoteOpen(tx, voteId, ctx.now(), entry.seq);
  });
  return viewVote(ctx.db, await findVote(ctx.db, voteId));
}

/**
 * The vote key's blind signature over a blinded point (base64url), for a member's or a slip's
 * token: the one place the sealed vote secret is opened. Strict decoding happens inside: wrong
 * length, identity, off-curve and non-subgroup points are refused with a coded protocol error.
 */
export async function signBlindedPoint(ctx: AppContext, voteId: string, sealedSecret: string, blindedPoint: string): Promise<string> {
  let blinded: Uint8Array;
  try {
    blinded = fromBase64url(blindedPoint);
  } catch {
    throw new AppError('invalid_point', 'blindedPoint is not base64url.', { field: 'blindedPoint' });
  }
  return toBase64url(await ctx.crypto.run('signBlinded', openVoteSecret(ctx.keys, voteId, sealedSecret), blinded));
}

/**
 * Signs a blinded token for a present member, once per member and vote. The service records
 * that the member received a token, with the device's signature over the blinded point — and
 * nothing that could link to the token itself (blinding hides it perfectly).
 *
 * One read gathers everything eligibility needs; the signing happens outside any transaction;
 * one INSERT … SELECT then records the issuance only if the vote is still not closed, taking a
 * share lock on the vote row so it is ordered against a concurrent close (which locks it
 * exclusively). The (vote, member) key makes a second issuance impossible.
 */
export async function issueToken(
  ctx: AppContext,
  principal: Principal,
  voteId: string,
  input: { blindedPoint: string; deviceSignature: string },
): Promise<{ voteId: string; blindSignature: string; publicKey: string }> {
  const row = await readTokenRequest(ctx.db, voteId, principal.personId, principal.deviceId);
  if (!row) throw new AppError('not_found', 'No such vote.');
  assertCanRead(principal, row.committee_id, 'vote');
  // Issue 15 hook: in a meeting of participants, tokens go to slips (participants/service.ts).
  if (await isSlipsMeeting(ctx.db, row.meeting_id))
    throw new AppError('not_eligible', 'In a meeting of participants, ballot tokens are taken with a participation slip.');
  if (!row.active || !row.voting_right) throw new AppError('not_eligible', 'Only a voting member of this committee receives a ballot token.');
  if (row.state !== 'draft' && row.state !== 'open') throw new AppError('invalid_state', 'The vote is closed.');
  if (row.meeting_state === 'closed') throw new AppError('invalid_state', 'The meeting is closed.');
  if (!row.present) throw new AppError('not_eligible', 'Only a member recorded present (实到) receives a ballot token.');
  // The record shows every device enrolment; one after the vote's vote.created entry (appended
  // when the vote opens) fails verification. The service keeps the stricter rule of a device
  // enrolled before the vote was created (a draft), so that a device enrolled for a member once
  // the vote is prepared never takes their token.
  if (row.device_too_new) throw new AppError('device_too_new', 'This device was enrolled after the vote was created; use a device enrolled before it.');
  if (!(await ctx.crypto.run('verifyDevice', { alg: row.alg, key: row.device_key }, tokenRequestMessage(voteId, input.blindedPoint), input.deviceSignature))) {
    throw new AppError('invalid_signature', "The device signature over (voteId, blindedPoint) does not verify with this device's key.", {
      field: 'deviceSignature',
    });
  }
  const answer = (blindSignature: string) => ({ voteId, blindSignature, publicKey: row.public_key });
  const replay = (issued: { point: string; signature: string }) => {
    if (issued.point !== input.blindedPoint) {
      throw new AppError('token_already_issued', 'A token for this vote was already issued to you for a different blinded point.');
    }
    return answer(issued.signature);
  };
  if (row.issued_point !== null) return replay({ point: row.issued_point, signature: row.issued_signature! });

  const blindSignature = await signBlindedPoint(ctx, voteId, row.secret_key_sealed, input.blindedPoint);
  const inserted = await ctx.db.transaction(async (tx) => {
    // Attendance may have changed, or the vote or meeting closed, while we signed. The shared
    // locks wait for any attendance change or close in progress (they take these locks
    // exclusively); the INSERT, a new statement, then sees what they committed: it records the
    // issuance only if the member is still present and neither the vote nor the meeting closed.
    // Lock order (src/db/locks.ts): meeting lock, vote lock, then the votes row the foreign key
    // check of the INSERT share-locks.
    await lockMeetingAndVoteShared(tx, row.meeting_id, voteId);
    await ctx.checkpoint?.('issueToken.locked', tx);
    return insertIssuance(tx, {
      voteId,
      personId: principal.personId,
      deviceId: principal.deviceId,
      blindedPoint: input.blindedPoint,
      deviceSignature: input.deviceSignature,
      blindSignature,
    });
  });
  if (inserted) return answer(blindSignature);
  // A concurrent request from the same member won the race (answer as it did), or the member
  // was recorded absent, or the vote closed, meanwhile.
  const existing = await readIssuance(ctx.db, voteId, principal.personId);
  if (!existing) {
    if (!(await isPresent(ctx.db, row.meeting_id, principal.personId)))
      throw new AppError('not_eligible', 'Only a member recorded present (实到) receives a ballot token.');
    throw new AppError('invalid_state', 'The vote is closed.');
  }
  return replay({ point: existing.blindedPoint, signature: existing.blindSignature });
}

/**
 * Casts an anonymous ballot. Identical re-sends get the identical receipt.
 *
 * Cheap refusals come first, before any signature check or pairing: a malformed body, a vote
 * that is not open, a ballot of the wrong shape, lengths or padding, and any new ballot once
 * 收回 equals 发出 (no valid token is left to spend). A ballot identical to one recorded is
 * answered with its receipt without checking it again. Only then are the ballot signature and
 * the token's pairing checked, inside the vote's bounded share of verifications (admission.ts).
 */
export async function castBallot(ctx: AppContext, input: unknown): Promise<{ ballotHash: string; receipt: string; replayed: boolean }> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AppError('invalid_ballot', 'A ballot is a JSON object.');
  const voteId = typeof (input as { voteId?: unknown })?.voteId === 'string' ? (input as { voteId: string }).voteId : '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(voteId)) {
    throw new AppError('invalid_ballot', 'voteId names no vote.', { field: 'voteId' });
  }
  const { admission, definitions, tokens, ballots } = castState(ctx);
  const closedOrDraft = (state: VoteState) => new AppError('invalid_state', state === 'draft' ? 'The vote is not open yet.' : 'The vote is closed.');
  // The parsed definition of an open vote is kept (it never changes); it is read only once.
  let definition = definitions.get(voteId);
  if (!definition) {
    // Only the canonical (lower-case) spelling: the ballot hash, and so the receipt, covers it.
    const row = voteId === voteId.toLowerCase() ? await readVoteDefinition(ctx.db, voteId) : undefined;
    if (!row) throw new AppError('invalid_ballot', 'voteId names no vote.', { field: 'voteId' });
    if (row.state !== 'open') throw closedOrDraft(row.state);
    definition = JSON.parse(row.definition) as VoteDefinition;
    definitions.set(voteId, definition);
  }
  const v2 = versionOf(definition) === 2;
  // Shape, lengths and (version 2) padding: no cryptography yet.
  const ballot: Ballot = v2 ? checkBallotShapeV2(definition, input) : validateBallot(definition, input);
  const tokenId = ballotTokenId(ballot);
  const hash = ballotHash(ballot);
  const now = await readCastState(ctx.db, voteId, tokenId);
  if (now.state !== 'open') {
    definitions.drop(voteId);
    throw closedOrDraft(now.state);
  }
  // The very ballot recorded before (its answer was lost): identical bytes were checked then.
  if (now.ballotHash === hash) return { ballotHash: hash, receipt: now.receipt!, replayed: true };
  if (now.ballotHash === null && now.returned >= now.issued) {
    throw new AppError('all_returned', `收回 ${now.returned} already equals 发出 ${now.issued}: every issued token has been spent.`);
  }
  await admission.admit(voteId, async () => {
    // Checked together with the vote's other casts in flight (token-batcher.ts), in one trip to
    // a crypto worker; the answer is this cast's own. Version 2: the one-time key's signature
    // over the marks first — a cast whose ballot signature fails costs no pairing.
    const key = { voteId, publicKey: fromBase64url(definition.publicKey), publicKeyId: definition.publicKey, version: versionOf(definition) };
    const answer = v2
      ? await tokens.verifyCast(key, fromBase64url(tokenId), fromBase64url(ballot.signature), ballot as BallotV2)
      : (await tokens.verify(key, fromBase64url(tokenId), fromBase64url(ballot.signature)))
        ? 'ok'
        : 'token';
    if (answer === 'ballot_signature') {
      throw new AppError('invalid_ballot_signature', 'The ballot signature does not verify under its ballot public key.', { field: 'ballotSignature' });
    }
    if (answer === 'token') {
      throw new AppError('invalid_signature', 'The token signature does not verify under this vote’s key.', { field: 'signature' });
    }
  });
  const receipt = await signReceipt({ voteId, ballotHash: hash }, ctx.keys.privateKey, ctx.keys.kid);
  // Written with the vote's other checked ballots of the moment, in one statement and in a
  // random order, after a random wait (ballot-mixer.ts); answered only once that is committed.
  const inserted = await ballots.add({
    voteId,
    token: tokenId,
    ballotHash: hash,
    ballot: sealBallot(ctx.keys, voteId, tokenId, sealedBallotText(ballot)),
    receipt,
  });
  if (inserted) {
    await ctx.checkpoint?.('castBallot.recorded');
    return { ballotHash: hash, receipt, replayed: false };
  }
  const existing = await readBallot(ctx.db, voteId, tokenId);
  if (!existing) throw new AppError('invalid_state', 'The vote is closed.');
  if (existing.ballotHash !== hash) throw new AppError('ballot_conflict', 'This token was already spent on a different ballot.');
  return { ballotHash: hash, receipt: existing.receipt, replayed: true };
}

/**
 * A version-2 cast body: the ballot's fields plus `padding` (ballot-v2.ts). The padding must be
 * exactly what the marks call for, so that every accepted cast of a vote had one length on the
 * wire. The ballot signature is checked by the caller, before any pairing work.
 */
function checkBallotShapeV2(definition: VoteDefinition, input: object): BallotV2 {
  const { padding, ...fields } = input as Record<string, unknown>;
  const ballot = validateBallot(definition, fields) as BallotV2;
  if (padding !== ballotPadding(ballot.choices)) {
    throw new AppError('invalid_ballot', 'padding must be the "0" characters that give every ballot of this vote one length.', { field: 'padding' });
  }
  return ballot;
}

export async function voteStatus(
  q: Queryable,
  voteId: string,
): Promise<{ voteId: string; state: VoteState; turnout: { issued: number; returned: number }; head: { seq: number; hash: string } }> {
  const vote = await findVote(q, voteId);
  return { voteId, state: vote.state, turnout: await countTurnout(q, voteId), head: (await chainHead(q, vote.committee_id))! };
}

/**
 * The public answer after close: the signed tally, plus what the printed report names — the
 * meeting and when the vote closed (to the minute; the vote's own time, nothing finer).
 */
export async function closedTally(
  q: Queryable,
  voteId: string,
): Promise<{ voteId: string; tally: Tally; tallySignature: string; closedSeq: number; meetingTitle: string; closedAt: string }> {
  const published = await publishedTally(q, await findVote(q, voteId));
  const heading = await readReportHeading(q, voteId);
  const { preparedHash: _, ...shown } = published;
  return { ...shown, meetingTitle: heading.meetingTitle, closedAt: `${new Date(heading.closedAt).toISOString().slice(0, 16)}:00Z` };
}

export async function publishedTally(
  q: Queryable,
  vote: VoteRow,
): Promise<{ voteId: string; tally: Tally; tallySignature: string; closedSeq: number; preparedHash: string | null }> {
  if (vote.state !== 'closed') throw new AppError('invalid_state', 'The tally is published when the vote closes.');
  const entry = (await readEntries(q, vote.committee_id, { from: Number(vote.closed_seq), to: Number(vote.closed_seq) }))[0] as Extract<
    ChainEntry,
    { kind: 'vote.closed' }
  >;
  return {
    voteId: vote.id,
    tally: entry.body.tally,
    tallySignature: entry.body.tallySignature,
    closedSeq: Number(vote.closed_seq),
    preparedHash: vote.prepared_hash,
  };
}

/**
 * The members who have received a token for this vote, for the secretary's "not yet fetched"
 * list. Who received a token is published in the close entry anyway and says nothing about a
 * ballot; who has cast is not known to the service at all.
 */
export async function issuedMembers(q: Queryable, voteId: string): Promise<string[]> {
  return listIssuedMembers(q, voteId);
}

/**
 * Everything a verifier needs: the committee's chain from genesis through the vote's close. With
 * `through` 'created', once the vote is open: the same record through the vote's vote.created
 * entry (a prefix of the record the close completes), from which a participant's phone holds
 * the vote's key to the record without reading the committee's whole chain.
 */
export async function voteRecord(
  q: Queryable,
  voteId: string,
  through: 'closed' | 'created' = 'closed',
): Promise<{ committeeId: string; voteId: string; entries: ChainEntry[]; head: { seq: number; hash: string } }> {
  const vote = await findVote(q, voteId);
  const to = through === 'created' ? vote.created_seq : vote.state === 'closed' ? vote.closed_seq : null;
  if (to === null)
    throw new AppError(
      'invalid_state',
      through === 'created' ? 'A vote enters the record when it opens.' : 'The record of a vote is published when the vote closes.',
    );
  const entries = await readEntries(q, vote.committee_id, { from: 0, to: Number(to) });
  const last = entries.at(-1)!;
  return { committeeId: vote.committee_id, voteId, entries, head: { seq: last.seq, hash: last.hash } };
}

/** A run-off (再次票决) among the tied candidates of a closed vote, for the undecided seats. */
export async function createRunoff(ctx: AppContext, voteId: string, by: string): Promise<VoteView> {
  const vote = await findVote(ctx.db, voteId);
  const { tally } = await publishedTally(ctx.db, vote);
  if (await runoffExists(ctx.db, voteId)) throw new AppError('conflict', 'A run-off of this vote already exists.');
  const definition = JSON.parse(vote.definition) as VoteDefinition;
  const items: ItemInput[] = [];
  for (const item of tally.items) {
    if (!item.runoff) continue;
    // The tied candidates, each with the posts the first ballot showed.
    const candidates = new Map(definition.items.find((d) => d.itemId === item.itemId)!.candidates.map((c) => [c.candidateId, c]));
    items.push({
      post: item.post,
      seats: item.runoff.seats,
      candidates: item.runoff.candidateIds.map((id) => {
        const { name, currentPost, proposedPost } = candidates.get(id)!;
        return { name, currentPost, proposedPost };
      }),
    });
  }
  if (items.length === 0) throw new AppError('invalid_state', 'Every seat of this vote was decided; there is nothing to run off.');
  try {
    return await createVote(ctx, vote.meeting_id, { title: `${vote.title}（再次票决）`, items }, { runoffOf: voteId, by });
  } catch (e) {
    // votes_one_runoff: a second request for the same run-off lost the race.
    if (isUniqueViolation(e, 'votes_one_runoff')) throw new AppError('conflict', 'A run-off of this vote already exists.');
    throw e;
  }
}
