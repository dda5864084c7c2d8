// Meetings of participants holding slips (issue 15): the 民主推荐 / 民主测评 meetings of hundreds,
// whose participants have no accounts. The secretary prints single-use participation codes in
// batches (each code shown once, stored only as its SHA-256); a phone spends a code once for a
// short-lived participant credential, and with it obtains one blind token per vote of that
// meeting, blinded on the phone as a member's device does. The cast route is the same anonymous
// one. 实到 is the slips issued (printed and not voided), recorded on the chain in slips.issued
// entries; the close lists the slips' blinded points (slipTokens) instead of member issuances.
//
// Also the hooks the votes and meetings areas call for a meeting of this kind (marked "issue 15
// hook" where they are called).
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { randomBytes } from '@noble/hashes/utils.js';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import { appendEntry } from '../chain/store.ts';
import { lockExclusive, lockMeetingAndVoteShared } from '../db/locks.ts';
import { SIGNING_ALG } from '../keys.ts';
import { sortNames } from '../collation/index.ts';
import { voteRules } from '../committees/rules.ts';
import { findMeeting, type Meeting } from '../meetings/service.ts';
import { parseVoteDefinition, type AnyVoteDefinition, type Candidate } from '../protocol/ballot.ts';
import { compareStrings, SLIPS_PER_MEETING_MAX } from '../protocol/chain.ts';
import { canonicalBytes, toBase64url } from '../protocol/encoding.ts';
import { DEFAULT_GRADES, type Grade, type Threshold } from '../protocol/shapes.ts';
import { generateVoteKey } from '../protocol/tokens.ts';
import { CURRENT_VERSION } from '../protocol/version.ts';
import { sealVoteSecret } from '../votes/sealing.ts';
import { findVote, signBlindedPoint, viewVote, type VoteView } from '../votes/service.ts';
import * as sql from './queries.ts';
import { insertVote, lockCommitteeRules, meetingHasVoteIn, newVoteId } from '../votes/queries.ts';

/** Slips printed by one request. */
export const SLIPS_PER_BATCH_MAX = 1000;
export { SLIPS_PER_MEETING_MAX };
/** How long a participant credential lasts: a long meeting's afternoon, not the next day. */
export const PARTICIPANT_CREDENTIAL_TTL = 4 * 3600;
export const PARTICIPANT_AUDIENCE = 'piaojue-participant';
export const PARTICIPANT_TYP = 'piaojue-participant+jwt';
/** A participation code: this prefix and 128 random bits, base64url. */
export const SLIP_CODE_PREFIX = 'pjp_';
const SLIP_CODE = /^pjp_[A-Za-z0-9_-]{22}$/;

const decoder = new TextDecoder();
const codeHash = (code: string) => createHash('sha256').update(code, 'utf8').digest('hex');

async function slipsMeeting(q: Queryable, meetingId: string, lock = false): Promise<sql.SlipsMeetingRow & { entitled: number }> {
  const m = await sql.meetingKind(q, meetingId, lock);
  if (!m) throw new AppError('not_found', 'No such meeting.');
  if (m.kind !== 'slips')
    throw new AppError(
      'meeting_kind_mismatch',
      'This is a meeting of the committee’s members; participation slips belong to a meeting of participants (kind slips).',
    );
  return m as sql.SlipsMeetingRow & { entitled: number };
}

export async function createSlipsMeeting(ctx: AppContext, committeeId: string, title: string, entitled: number): Promise<Meeting> {
  const id = await sql.insertSlipsMeeting(ctx.db, committeeId, title, entitled, ctx.now());
  return findMeeting(ctx.db, id);
}

export interface SlipsSummary {
  meetingId: string;
  /** 应到, set when the meeting was created. */
  entitled: number;
  printed: number;
  /** 实到: printed and not voided; what the latest slips.issued entry states. */
  issued: number;
  redeemed: number;
  voided: number;
  batches: { batch: number; printed: number; redeemed: number; voided: number }[];
}

export async function slipsSummary(q: Queryable, meetingId: string): Promise<SlipsSummary> {
  const m = await slipsMeeting(q, meetingId);
  const counts = await sql.slipCounts(q, meetingId);
  return {
    meetingId,
    entitled: m.entitled,
    printed: counts.printed,
    issued: counts.printed - counts.voided,
    redeemed: counts.redeemed,
    voided: counts.voided,
    batches: await sql.slipBatches(q, meetingId),
  };
}

/**
 * Locks the meeting for a change of its slips (the meeting lock exclusively, as attendance
 * does: a close in preparation reads the count under the shared lock) and checks it may change.
 */
async function lockForSlips(tx: Queryable, meetingId: string) {
  await lockExclusive(tx, 'meeting', meetingId);
  const m = await slipsMeeting(tx, meetingId, true);
  if (m.state === 'closed') throw new AppError('invalid_state', 'The meeting is closed; its slips can no longer change.');
  if (await meetingHasVoteIn(tx, meetingId, ['confirming', 'countersigning']))
    throw new AppError('invalid_state', 'A vote of this meeting is being closed with the slips count in force; slips can change after it is published.');
  return m;
}

export interface PrintedSlip {
  slipId: string;
  code: string;
  /** For the QR code: the code in the fragment, never in a query string (fragments are not sent to servers or logged). */
  url: string;
}

/** Prints a batch: the codes are in this answer and nowhere else. */
export async function printSlips(
  ctx: AppContext,
  meetingId: string,
  count: number,
  by: string,
): Promise<{ meetingId: string; batch: number; issued: number; slips: PrintedSlip[] }> {
  const codes = Array.from({ length: count }, () => `${SLIP_CODE_PREFIX}${nodeRandomBytes(16).toString('base64url')}`);
  const { batch, ids, issued } = await ctx.db.transaction(async (tx) => {
    const m = await lockForSlips(tx, meetingId);
    const counts = await sql.slipCounts(tx, meetingId);
    const issued = counts.printed - counts.voided + count;
    if (counts.printed + count > SLIPS_PER_MEETING_MAX)
      throw new AppError('slips_limit', `A meeting prints at most ${SLIPS_PER_MEETING_MAX} slips; ${counts.printed} are printed.`, {
        extra: { printed: counts.printed, limit: SLIPS_PER_MEETING_MAX },
      });
    if (issued > m.entitled)
      throw new AppError('slips_limit', `Slips issued (${issued}) would exceed 应到 ${m.entitled}; void unused slips first.`, {
        extra: { issued: issued - count, entitled: m.entitled },
      });
    const batch = counts.batches + 1;
    const ids = await sql.insertSlips(tx, meetingId, batch, codes.map(codeHash), ctx.now());
    await appendEntry(tx, m.committee_id, 'slips.issued', { meetingId, issued, by });
    return { batch, ids, issued };
  });
  const base = ctx.config.publicUrl ?? '';
  return { meetingId, batch, issued, slips: codes.map((code, i) => ({ slipId: ids[i]!, code, url: `${base}/#/slip/${code}` })) };
}

/** Voids unused slips, by their codes or all unused ones of a batch; 实到 goes down by as many. */
export async function voidSlips(
  ctx: AppContext,
  meetingId: string,
  input: { codes?: string[] | undefined; batch?: number | undefined },
  by: string,
): Promise<SlipsSummary & { voidedNow: number }> {
  const voidedNow = await ctx.db.transaction(async (tx) => {
    const m = await lockForSlips(tx, meetingId);
    const n =
      input.batch !== undefined
        ? await sql.voidSlipsOfBatch(tx, meetingId, input.batch, ctx.now())
        : await sql.voidSlipsByHash(tx, meetingId, (input.codes ?? []).map(codeHash), ctx.now());
    if (n > 0) {
      const counts = await sql.slipCounts(tx, meetingId);
      await appendEntry(tx, m.committee_id, 'slips.issued', { meetingId, issued: counts.printed - counts.voided, by });
    }
    return n;
  });
  return { ...(await slipsSummary(ctx.db, meetingId)), voidedNow };
}

// ---- the participant's phone --------------------------------------------------------------

export interface Participant {
  slipId: string;
  meetingId: string;
}

/** A credential for the slip, good until 4 hours after the slip was spent (a retry gets no longer). */
async function participantCredential(ctx: AppContext, p: Participant, spentAt: Date): Promise<{ credential: string; expiresAt: string }> {
  const now = Math.floor(ctx.now().getTime() / 1000);
  const exp = Math.floor(spentAt.getTime() / 1000) + PARTICIPANT_CREDENTIAL_TTL;
  const credential = await new SignJWT({ mid: p.meetingId })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: ctx.keys.kid, typ: PARTICIPANT_TYP })
    .setIssuer(ctx.config.issuer)
    .setAudience(PARTICIPANT_AUDIENCE)
    .setSubject(p.slipId)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(ctx.keys.privateKey);
  return { credential, expiresAt: new Date(exp * 1000).toISOString() };
}

/** A redemption nonce: drawn by the phone, at least 128 bits in base64url. */
export const REDEEM_NONCE = /^[A-Za-z0-9_-]{22,86}$/;

/**
 * The same phone asking again for a slip it spent (its answer was lost): the same nonce, within
 * the credential's lifetime, of a slip not voided, in a meeting not closed. Anything else is
 * the slip spent by someone.
 */
function retriedBySamePhone(ctx: AppContext, slip: sql.SlipRow, nonceHash: string | null): Date | undefined {
  if (nonceHash === null || slip.redeem_nonce_hash === null || slip.redeemed_at === null || slip.voided || slip.meeting_state === 'closed') return undefined;
  if (slip.redeem_nonce_hash !== nonceHash) return undefined;
  const spentAt = new Date(slip.redeemed_at);
  return ctx.now().getTime() < spentAt.getTime() + PARTICIPANT_CREDENTIAL_TTL * 1000 ? spentAt : undefined;
}

const spent = () => new AppError('slip_spent', 'This slip has already been used; a slip is good for one phone, once.');

/**
 * Spends a participation code (first use only) for a participant credential, in one statement.
 * With the phone's redemption nonce, the same code and nonce again (a lost answer) get a fresh
 * credential for the same slip, expiring when the first would.
 */
export async function redeemSlip(ctx: AppContext, code: string, nonce?: string): Promise<{ meetingId: string; credential: string; expiresAt: string }> {
  const nonceHash = nonce === undefined ? null : codeHash(nonce);
  const now = ctx.now();
  const slip = SLIP_CODE.test(code) ? await sql.spendSlipByHash(ctx.db, codeHash(code), now, nonceHash) : undefined;
  if (!slip) throw new AppError('slip_invalid', 'This is not a participation code of any meeting; check the slip, or ask for a new one.');
  const credentialFor = async (spentAt: Date) => ({
    meetingId: slip.meeting_id,
    ...(await participantCredential(ctx, { slipId: slip.id, meetingId: slip.meeting_id }, spentAt)),
  });
  if (slip.spent) return credentialFor(now);
  // As the slip was: voided, spent (by this phone, whose answer was lost, or another) or its meeting closed.
  if (slip.voided) throw new AppError('slip_voided', 'This slip was voided by the secretary.');
  if (slip.redeemed) {
    const spentAt = retriedBySamePhone(ctx, slip, nonceHash);
    if (spentAt) return credentialFor(spentAt);
    throw spent();
  }
  if (slip.meeting_state !== 'closed') {
    // Another phone spent it at the same moment (or this one, sending twice), or it was voided or the meeting closed meanwhile.
    const again = await sql.slipById(ctx.db, slip.id);
    if (again?.voided) throw new AppError('slip_voided', 'This slip was voided by the secretary.');
    if (again?.redeemed) {
      const spentAt = retriedBySamePhone(ctx, again, nonceHash);
      if (spentAt) return credentialFor(spentAt);
      throw spent();
    }
  }
  throw new AppError('invalid_state', 'The meeting is closed.');
}

/** Reads a participant credential (Authorization: Bearer …); refuses a member's access token and the reverse. */
export async function verifyParticipant(ctx: AppContext, header: string | undefined): Promise<Participant> {
  if (header === undefined) throw new AppError('unauthenticated', 'This route needs the participant credential the slip gave (Authorization: Bearer …).');
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
  try {
    if (!match) throw new Error('header');
    const { payload } = await jwtVerify(match[1]!, ctx.keys.publicKey, {
      algorithms: [SIGNING_ALG],
      issuer: ctx.config.issuer,
      audience: PARTICIPANT_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      typ: PARTICIPANT_TYP,
      currentDate: ctx.now(),
    });
    if (typeof payload.sub !== 'string' || typeof payload['mid'] !== 'string') throw new Error('claims');
    return { slipId: payload.sub, meetingId: payload['mid'] };
  } catch (e) {
    throw new AppError(
      'token_invalid',
      e instanceof joseErrors.JWTExpired ? 'The participant credential has expired.' : 'The participant credential is not valid.',
    );
  }
}

/** The meeting's votes a participant may take a token for (open) or read (closed). */
export async function participantVotes(
  ctx: AppContext,
  p: Participant,
): Promise<{ meetingId: string; votes: { id: string; state: string; definition: AnyVoteDefinition }[] }> {
  const rows = await sql.participantVotes(ctx.db, p.meetingId);
  return { meetingId: p.meetingId, votes: rows.map((r) => ({ id: r.id, state: r.state, definition: JSON.parse(r.definition) as AnyVoteDefinition })) };
}

/**
 * Signs a blinded token for a slip, once per slip and vote — as issueToken does for a member,
 * without a device signature (the slip has no key: the spent code and the credential stand for
 * it). The same blinded point sent again gets the same blind signature; another is refused.
 */
export async function issueSlipToken(
  ctx: AppContext,
  p: Participant,
  voteId: string,
  blindedPoint: string,
): Promise<{ voteId: string; blindSignature: string; publicKey: string }> {
  const row = await sql.slipTokenContext(ctx.db, voteId, p.slipId);
  if (!row || row.meeting_id !== p.meetingId) throw new AppError('not_found', 'No such vote in your meeting.');
  const answer = (blindSignature: string) => ({ voteId, blindSignature, publicKey: row.public_key });
  const replay = (issued: { point: string; signature: string }) => {
    if (issued.point !== blindedPoint)
      throw new AppError('token_already_issued', 'A token for this vote was already issued to this slip for a different blinded point.');
    return answer(issued.signature);
  };
  if (row.issued_point !== null) return replay({ point: row.issued_point, signature: row.issued_signature! });
  if (row.state !== 'open') throw new AppError('invalid_state', row.state === 'draft' ? 'The vote is not open yet.' : 'The vote is closed.');
  const blindSignature = await signBlindedPoint(ctx, voteId, row.secret_key_sealed, blindedPoint);
  const inserted = await ctx.db.transaction(async (tx) => {
    // As issueToken: ordered against a close or a change of the slips (lock order in src/db/locks.ts).
    await lockMeetingAndVoteShared(tx, row.meeting_id, voteId);
    return sql.insertSlipIssuance(tx, voteId, p.slipId, blindedPoint, blindSignature);
  });
  if (inserted) return answer(blindSignature);
  const existing = await sql.slipIssuance(ctx.db, voteId, p.slipId);
  if (existing) return replay({ point: existing.blinded_point, signature: existing.blind_signature });
  throw new AppError('invalid_state', 'The vote or the meeting is closed, or the slip was voided.');
}

// ---- shaped votes (民主推荐, 民主测评) -------------------------------------------------------

/** A candidate as given: a name, or a name with 现任职务 (and, for a recommendation, 拟任职务). */
export type ShapedCandidateInput = string | { name: string; currentPost?: string | undefined; proposedPost?: string | undefined };

export type ShapedItemInput =
  | { shape: 'recommendation'; post: string; maxMarks: number; threshold: Threshold; candidates: ShapedCandidateInput[] }
  | { shape: 'evaluation'; title: string; grades?: Grade[] | undefined; candidates: ShapedCandidateInput[] };

const candidateOf = (c: ShapedCandidateInput, candidateId: string): Candidate => {
  if (typeof c === 'string') return { candidateId, name: c };
  return {
    candidateId,
    name: c.name,
    ...(c.currentPost !== undefined ? { currentPost: c.currentPost } : {}),
    ...(c.proposedPost !== undefined ? { proposedPost: c.proposedPost } : {}),
  };
};

/**
 * Creates a 民主推荐 or 民主测评 vote (a draft) in a meeting of participants: exactly one shaped
 * item (docs/PROTOCOL.md §15.1); a recommendation's eligible list in the committee's stroke
 * order, an evaluation's cadres in the order given; 应到 is the meeting's. The definition is
 * checked by the protocol's own parser, so every limit is the protocol's.
 */
export async function createShapedVote(ctx: AppContext, meetingId: string, input: { title: string; items: ShapedItemInput[] }): Promise<VoteView> {
  const id = await ctx.db.transaction(async (tx) => {
    const m = await slipsMeeting(tx, meetingId, true);
    if (m.state === 'closed') throw new AppError('invalid_state', 'The meeting is closed; no vote can be added.');
    const rules = await lockCommitteeRules(tx, m.committee_id);
    const voteId = await newVoteId(tx);
    const items = input.items.map((item, i) => {
      const itemId = `i${i + 1}`;
      if (item.shape === 'evaluation') {
        return {
          itemId,
          shape: item.shape,
          title: item.title,
          grades: item.grades ?? [...DEFAULT_GRADES],
          candidates: item.candidates.map((c, k) => candidateOf(c, `c${k + 1}`)),
        };
      }
      const byName = new Map(item.candidates.map((c) => [typeof c === 'string' ? c : c.name, c]));
      const { names } = sortNames([...byName.keys()], rules.collation);
      return {
        itemId,
        shape: item.shape,
        post: item.post,
        maxMarks: item.maxMarks,
        threshold: item.threshold,
        candidates: names.map((n, k) => candidateOf(byName.get(n)!, `c${k + 1}`)),
      };
    });
    const key = generateVoteKey(randomBytes);
    const definition = parseVoteDefinition({
      voteId,
      committeeId: m.committee_id,
      meetingId,
      title: input.title,
      items,
      marks: rules.marks,
      rules: voteRules(rules),
      entitled: m.entitled,
      publicKey: toBase64url(key.publicKey),
      version: CURRENT_VERSION,
      runoffOf: null,
    });
    await insertVote(tx, {
      id: voteId,
      meetingId,
      committeeId: m.committee_id,
      title: input.title,
      definition: decoder.decode(canonicalBytes(definition)),
      publicKey: definition.publicKey,
      secretKeySealed: sealVoteSecret(ctx.keys, voteId, key.secretKey),
      runoffOf: null,
      createdAt: ctx.now(),
    });
    return voteId;
  });
  return viewVote(ctx.db, await findVote(ctx.db, id));
}

// ---- hooks for the votes and meetings areas (issue 15) -------------------------------------

/** Whether the meeting is one of participants holding slips. */
export async function isSlipsMeeting(q: Queryable, meetingId: string): Promise<boolean> {
  return (await sql.meetingKind(q, meetingId))?.kind === 'slips';
}

/**
 * openVote: a vote of a meeting of participants opens without the members' quorum, once slips
 * are issued (so a slips.issued entry precedes vote.created, as the verifier requires).
 * Answers whether the meeting is of that kind.
 */
export async function checkSlipsVoteOpens(q: Queryable, meetingId: string): Promise<boolean> {
  if (!(await isSlipsMeeting(q, meetingId))) return false;
  const counts = await sql.slipCounts(q, meetingId);
  if (counts.printed - counts.voided === 0) throw new AppError('invalid_state', 'Issue participation slips before opening a vote of this meeting.');
  return true;
}

/**
 * closeVote: for a vote of a meeting of participants, the close's slip tokens (ascending) and
 * 实到 = slips issued; null for a committee meeting. Refuses a close the verifier would refuse
 * (the record is append-only). The caller holds the meeting lock shared.
 */
export async function slipClose(
  q: Queryable,
  meetingId: string,
  voteId: string,
  entitled: number,
  returned: number,
): Promise<{ slipTokens: string[]; present: number } | null> {
  if (!(await isSlipsMeeting(q, meetingId))) return null;
  const slipTokens = (await sql.slipTokensOf(q, voteId)).sort(compareStrings);
  const counts = await sql.slipCounts(q, meetingId);
  const present = counts.printed - counts.voided;
  if ((await sql.memberIssuanceCount(q, voteId)) > 0 || !(returned <= slipTokens.length && slipTokens.length <= present && present <= entitled)) {
    throw new AppError(
      'invalid_state',
      `收回 ${returned}, 发出 ${slipTokens.length}, slips issued ${present}, 应到 ${entitled} are inconsistent; the vote cannot be closed.`,
    );
  }
  return { slipTokens, present };
}
