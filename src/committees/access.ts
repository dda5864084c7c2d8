// Who may see and act on a committee. Outsiders get 404 (a committee they are not part of
// does not exist for them); insiders without the role get 403.
//
// The record (chain, tally, vote status, closed record) has readers of its own (issue 12): on a
// `public` committee anyone; on a `restricted` one its members, secretaries, observers and the
// administrators, signed in, and — for one closed vote's record — whoever holds that vote's
// share link; and a participant holding a slip (issue 15), with the credential its slip gave,
// for the votes of its own meeting only — their status, tally and record (through the close,
// or while open through the vote.created entry): what its phone checks the vote key against
// and finds its ballot in, never the committee's chain up to its head (other meetings' votes
// that followed), nor another meeting's vote. An anonymous reader of a restricted committee gets the same 404 as for an id that
// does not exist, so the answer does not tell that the committee exists.
import { sha256 } from '@noble/hashes/sha2.js';
import { AppError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { Queryable } from '../db/database.ts';
import { bytesToHex } from '../protocol/encoding.ts';
import { assertCommitteeExists } from './service.ts';
import { committeeVisibility, shareLinkByHash, voteMeetingId } from './queries.ts';

export function canRead(p: Principal, committeeId: string): boolean {
  return p.isAdmin || p.secretaryOf.has(committeeId) || p.memberOf.has(committeeId) || p.observerOf.has(committeeId);
}

/** An observer who holds no other role here: reads, never acts, never sees a draft. */
export function observesOnly(p: Principal, committeeId: string): boolean {
  return p.observerOf.has(committeeId) && !p.isAdmin && !p.secretaryOf.has(committeeId) && !p.memberOf.has(committeeId);
}

export function assertCanRead(p: Principal, committeeId: string, what = 'committee'): void {
  if (!canRead(p, committeeId)) throw new AppError('not_found', `No such ${what}.`);
}

/**
 * Refuses a committee the caller may not see, or that does not exist. Insiders' role rows
 * prove it exists; only an administrator (who may read any id) needs the lookup.
 */
export async function assertVisibleCommittee(q: Queryable, p: Principal, committeeId: string): Promise<void> {
  assertCanRead(p, committeeId);
  if (!p.secretaryOf.has(committeeId) && !p.memberOf.has(committeeId) && !p.observerOf.has(committeeId)) await assertCommitteeExists(q, committeeId);
}

export function assertSecretary(p: Principal, committeeId: string, what = 'committee'): void {
  assertCanRead(p, committeeId, what);
  if (!p.secretaryOf.has(committeeId)) throw new AppError('forbidden', "Only this committee's secretary may do this.");
}

/** A secretary of the committee or an administrator (share links). */
export function assertSecretaryOrAdmin(p: Principal, committeeId: string, what = 'committee'): void {
  assertCanRead(p, committeeId, what);
  if (!p.isAdmin && !p.secretaryOf.has(committeeId)) throw new AppError('forbidden', "Only this committee's secretary or an administrator may do this.");
}

export type Visibility = 'public' | 'restricted';
export const VISIBILITIES: readonly Visibility[] = ['public', 'restricted'];

/** A share link's capability: `pjs_` and 32 random bytes (256 bits) in base64url. */
export const SHARE_PATTERN = /^pjs_[A-Za-z0-9_-]{43}$/;

/** What the service stores of a capability: its SHA-256, hex. */
export function shareHash(capability: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(capability)));
}

/** Who reads the record: a signed-in principal, a share link's capability, a participant holding a slip; any of them absent. */
export interface RecordReader {
  principal: Principal | undefined;
  share: string | undefined;
  /** A verified participant credential's meeting (issue 15). */
  participant?: { meetingId: string } | undefined;
}

/**
 * How much of a committee's record this reader may read: all of it (`to` undefined), or —
 * with a share link — the chain through the shared vote's close. `voteId` names the vote whose
 * route is read (a share link opens only its own vote). Throws not_found for a reader who may
 * not read it, share_invalid for a capability that is unknown, altered, revoked or another
 * vote's, share_not_yet_valid for a share link of a vote not yet closed.
 */
export async function recordAccess(q: Queryable, reader: RecordReader, committeeId: string, voteId?: string): Promise<{ to?: number }> {
  const what = voteId === undefined ? 'committee' : 'vote';
  if (reader.principal && canRead(reader.principal, committeeId)) return {};
  // A participant reads its own meeting's votes (their status, tally and record), never the
  // committee's chain nor another meeting's vote.
  if (reader.participant && voteId !== undefined && (await voteMeetingId(q, voteId)) === reader.participant.meetingId) return {};
  const capability = reader.share;
  if (capability !== undefined) {
    const refused = () => new AppError('share_invalid', 'This share link is not valid: it was altered, revoked, or is for another record.');
    if (!SHARE_PATTERN.test(capability)) throw refused();
    const link = await shareLinkByHash(q, shareHash(capability));
    if (!link || link.revokedAt !== null || link.committeeId !== committeeId || (voteId !== undefined && link.voteId !== voteId)) throw refused();
    if (link.voteState !== 'closed' || link.closedSeq === null)
      throw new AppError('share_not_yet_valid', 'This share link opens the record once the vote is closed.');
    return { to: link.closedSeq };
  }
  if ((await committeeVisibility(q, committeeId)) !== 'public') throw new AppError('not_found', `No such ${what}.`);
  return {};
}
