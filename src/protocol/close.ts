// The version-2 close, in three steps, so that the record proves more than the service's word:
//
// 1. Prepare. The secretary closes the vote; the service freezes it and prepares the close —
//    issuances, ballots, tally, tally signature and the secretary who closed — without
//    appending it. preparedHash = SHA-256(JCS(prepared)).
// 2. Confirm. Every member device that cast finds its ballot, unchanged, in the prepared close
//    and signs confirmationMessage(voteId, preparedHash) with its device key: "my ballot is in".
//    It says nothing about which ballot is the member's.
// 3. Countersign. The secretary seals the confirmations (and, when some ballots have none, a
//    recorded decision saying how many and why); each designated inspector (监票人) checks the
//    sealed close and signs countersignatureMessage(voteId, sealHash). With every inspector's
//    signature the service appends vote.closed = prepared + confirmations + decision +
//    countersignatures.
import { sha256 } from '@noble/hashes/sha2.js';
import type { Ballot } from './ballot.ts';
import type { Issuance } from './chain.ts';
import { deviceMessage } from './device-key.ts';
import { bytesToHex, canonicalBytes } from './encoding.ts';
import type { Tally } from './tally.ts';

export const CONFIRMATION_PURPOSE = 'piaojue/v2/confirmation';
export const COUNTERSIGNATURE_PURPOSE = 'piaojue/v2/countersignature';

/** Everything the close publishes before anyone else signs (version 2 adds `by`). */
export interface PreparedClose {
  voteId: string;
  issuances: Issuance[];
  ballots: Ballot[];
  tally: Tally;
  tallySignature: string;
  /** The secretary who closed the vote. */
  by: string;
  /** A vote of a meeting of participants holding slips (issue 15): its tokens' blinded points. */
  slipTokens?: string[];
}

/** A member's (or an inspector's) device signature, as the record keeps it. */
export interface MemberSignature {
  memberId: string;
  /** deviceKeyFingerprint of the signing device (enrolled for memberId on the chain). */
  deviceFingerprint: string;
  signature: string;
}

/**
 * The secretary's recorded decision to publish although `unconfirmed` ballots have no
 * confirmation (a member's phone died after casting, say). The inspectors countersign it with
 * the rest, and the report shows it.
 */
export interface UnconfirmedDecision {
  unconfirmed: number;
  reason: string;
  by: string;
}

/** What the inspectors countersign: the prepared close's hash, the confirmations and the decision. */
export interface SealedClose {
  voteId: string;
  preparedHash: string;
  confirmations: MemberSignature[];
  decision: UnconfirmedDecision | null;
}

export const DECISION_REASON_MAX = 500;

/** Lower-case hex SHA-256 of the canonical prepared close (only its six fields count). */
export function preparedHash(prepared: PreparedClose): string {
  const { voteId, issuances, ballots, tally, tallySignature, by, slipTokens } = prepared;
  // slipTokens only where the close has them, so every other close hashes as before.
  return bytesToHex(sha256(canonicalBytes({ voteId, issuances, ballots, tally, tallySignature, by, ...(slipTokens ? { slipTokens } : {}) })));
}

/** Lower-case hex SHA-256 of the canonical sealed close. */
export function sealHash(sealed: SealedClose): string {
  const { voteId, preparedHash: hash, confirmations, decision } = sealed;
  return bytesToHex(sha256(canonicalBytes({ voteId, preparedHash: hash, confirmations, decision })));
}

/** The bytes a member's device signs to confirm that its ballot is in the prepared close. */
export function confirmationMessage(voteId: string, hash: string): Uint8Array {
  return deviceMessage(CONFIRMATION_PURPOSE, { voteId, preparedHash: hash });
}

/** The bytes an inspector's device signs to countersign the sealed close. */
export function countersignatureMessage(voteId: string, hash: string): Uint8Array {
  return deviceMessage(COUNTERSIGNATURE_PURPOSE, { voteId, sealHash: hash });
}

/** Code-unit order by memberId, the order the record keeps signatures in. */
export function sortByMember<T extends { memberId: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** How many ballots lack a confirmation (never negative: a member who took a token and did not cast does not confirm). */
export function unconfirmedCount(ballots: number, confirmations: number): number {
  return Math.max(0, ballots - confirmations);
}
