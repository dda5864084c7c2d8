// The member's device: the only place a token is blinded and unblinded. Pure; the browser passes
// crypto.getRandomValues in, tests pass a seeded stream.
import { ballotHash, type Ballot, type Choices } from './ballot.ts';
import type { ChainEntry, VoteRecord } from './chain.ts';
import { toBase64url } from './encoding.ts';
import { drawBytes, ProtocolError, type RandomBytes } from './errors.ts';
import { decodeB64 } from './guards.ts';
import { verifyReceipt, type ReceiptPayload } from './receipt.ts';
import { blindToken, G1_LENGTH, G2_LENGTH, randomBlindingScalar, SCALAR_LENGTH, TOKEN_LENGTH, unblind, verifyToken } from './tokens.ts';
import type { JSONWebKeySet } from 'jose';

/**
 * A pending token request. The device stores it (t and r are secret: t is the ballot's
 * anonymous identity, r unlinks it) BEFORE sending { voteId, blindedPoint } and its device
 * signature over tokenRequestMessage(voteId, blindedPoint), so a lost answer can be retried
 * with the very same blinded point (issuance is idempotent on it).
 */
export interface TokenRequest {
  voteId: string;
  /** 32 bytes, base64url. */
  t: string;
  /** 32-byte big-endian scalar, base64url. */
  r: string;
  /** 48-byte compressed G1, base64url: the only value that leaves the device. */
  blindedPoint: string;
}

/** An unblinded, verified token: what a ballot carries. */
export interface Token {
  voteId: string;
  t: string;
  /** 48-byte compressed G1 signature on H(voteId, t), base64url. */
  signature: string;
}

export function createTokenRequest(voteId: string, randomBytes: RandomBytes): TokenRequest {
  const t = drawBytes(randomBytes, TOKEN_LENGTH, 't');
  const r = randomBlindingScalar(randomBytes);
  return { voteId, t: toBase64url(t), r: toBase64url(r), blindedPoint: toBase64url(blindToken(voteId, t, r)) };
}

/**
 * Unblinds the service's answer and verifies it under the vote key the device pinned from the
 * record (never a key served alongside the answer: a per-member key would de-anonymise).
 * Throws ProtocolError('invalid_point') for a malformed answer, 'invalid_signature' when it
 * does not verify.
 */
export function finishToken(request: TokenRequest, blindSignature: string, pinnedPublicKey: string): Token {
  const t = decodeB64(request.t, TOKEN_LENGTH, 't');
  const r = decodeB64(request.r, SCALAR_LENGTH, 'r');
  const publicKey = decodeB64(pinnedPublicKey, G2_LENGTH, 'publicKey');
  const signature = unblind(decodeB64(blindSignature, G1_LENGTH, 'blindSignature'), r);
  if (!verifyToken(publicKey, request.voteId, t, signature)) {
    throw new ProtocolError('invalid_signature', 'the issued token does not verify under the pinned vote key', { field: 'blindSignature' });
  }
  return { voteId: request.voteId, t: request.t, signature: toBase64url(signature) };
}

/** The ballot to cast anonymously. Validate it with validateBallot and warn on overMarkedItems first. */
export function buildBallot(token: Token, choices: Choices): Ballot {
  return { voteId: token.voteId, t: token.t, signature: token.signature, choices };
}

/** Checks a receipt is for this very ballot; returns its payload. Throws ProtocolError('invalid_signature'). */
export async function checkReceipt(receiptJws: string, jwks: JSONWebKeySet, ballot: Ballot): Promise<ReceiptPayload> {
  const payload = await verifyReceipt(receiptJws, jwks);
  if (payload.voteId !== ballot.voteId || payload.ballotHash !== ballotHash(ballot)) {
    throw new ProtocolError('invalid_signature', 'the receipt is for another ballot', { field: 'receipt' });
  }
  return payload;
}

/**
 * After close: the ballot with this hash in the record's vote.closed entry, or null. Check the
 * record itself with verifyRecord; this only answers "is my ballot in it".
 */
export function findBallotInRecord(record: Pick<VoteRecord, 'voteId' | 'entries'>, hash: string): Ballot | null {
  const closed = record.entries.find(
    (e): e is Extract<ChainEntry, { kind: 'vote.closed' }> => e.kind === 'vote.closed' && e.body.voteId === record.voteId,
  );
  if (!closed) return null;
  for (const ballot of closed.body.ballots) {
    try {
      if (ballotHash(ballot) === hash) return ballot;
    } catch {
      // A malformed ballot in an unverified record is simply not ours.
    }
  }
  return null;
}
