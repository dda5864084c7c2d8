// The member's side of a ballot, on the member's device: the token request (the only place a
// token is blinded and unblinded), the ballot itself, and checking the receipt and the record.
// Pure; the browser passes crypto.getRandomValues in, tests pass a seeded stream.
import { ed25519 } from '@noble/curves/ed25519.js';
import { BALLOT_KEY_LENGTH, ballotHash, type Ballot, type BallotV1, type BallotV2, type AnyChoices } from './ballot.ts';
import { generateBallotKey, signBallot } from './ballot-v2.ts';
import type { ChainEntry, VoteRecord } from './chain.ts';
import { toBase64url } from './encoding.ts';
import { drawBytes, ProtocolError, type RandomBytes } from './errors.ts';
import { decodeB64, isPlainObject } from './guards.ts';
import { verifyReceipt, type ReceiptPayload } from './receipt.ts';
import { blindToken, G1_LENGTH, G2_LENGTH, randomBlindingScalar, SCALAR_LENGTH, TOKEN_LENGTH, unblind, verifyToken } from './tokens.ts';
import { CURRENT_VERSION, type ProtocolVersion } from './version.ts';
import type { JSONWebKeySet } from 'jose';

/**
 * A pending token request. The device stores it (t and r are secret: t is the ballot's
 * anonymous identity, r unlinks it) BEFORE sending { voteId, blindedPoint } and its device
 * signature over tokenRequestMessage(voteId, blindedPoint), so a lost answer can be retried
 * with the very same blinded point (issuance is idempotent on it).
 */
export interface TokenRequestV1 {
  voteId: string;
  /** 32 bytes, base64url. */
  t: string;
  /** 32-byte big-endian scalar, base64url. */
  r: string;
  /** 48-byte compressed G1, base64url: the only value that leaves the device. */
  blindedPoint: string;
}

/**
 * Version 2: the token is bound to a one-time Ed25519 key made for this vote. Its secret key
 * is kept with r (both secret) so that a reload can still finish the token and sign the ballot.
 */
export interface TokenRequestV2 {
  voteId: string;
  /** 32-byte RFC 8032 secret seed of the one-time ballot key, base64url. Never leaves the device. */
  ballotSecretKey: string;
  /** Its 32-byte public key, base64url: hashed into the token, sent only with the ballot. */
  ballotPublicKey: string;
  r: string;
  blindedPoint: string;
}

export type TokenRequest = TokenRequestV1 | TokenRequestV2;

/** An unblinded, verified token: what a ballot carries. */
export interface TokenV1 {
  voteId: string;
  t: string;
  /** 48-byte compressed G1 signature on H(voteId, t), base64url. */
  signature: string;
}

export interface TokenV2 {
  voteId: string;
  ballotSecretKey: string;
  ballotPublicKey: string;
  /** 48-byte compressed G1 signature on H(voteId, ballotPublicKey) under the V2 DST, base64url. */
  signature: string;
}

export type Token = TokenV1 | TokenV2;

/**
 * A token request for a vote of the given protocol version (the definition's, see versionOf;
 * new votes are version 2): draws t (v1) or a one-time ballot key (v2), and r.
 */
export function createTokenRequest(voteId: string, randomBytes: RandomBytes, version: ProtocolVersion = CURRENT_VERSION): TokenRequest {
  if (version === 2) {
    const key = generateBallotKey(randomBytes);
    const r = randomBlindingScalar(randomBytes);
    return {
      voteId,
      ballotSecretKey: toBase64url(key.secretKey),
      ballotPublicKey: toBase64url(key.publicKey),
      r: toBase64url(r),
      blindedPoint: toBase64url(blindToken(voteId, key.publicKey, r, 2)),
    };
  }
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
export function finishToken(request: TokenRequestV1, blindSignature: string, pinnedPublicKey: string): TokenV1;
export function finishToken(request: TokenRequestV2, blindSignature: string, pinnedPublicKey: string): TokenV2;
export function finishToken(request: TokenRequest, blindSignature: string, pinnedPublicKey: string): Token;
export function finishToken(request: TokenRequest, blindSignature: string, pinnedPublicKey: string): Token {
  const v2 = 'ballotPublicKey' in request;
  const t = v2 ? decodeB64(request.ballotPublicKey, BALLOT_KEY_LENGTH, 'ballotPublicKey') : decodeB64(request.t, TOKEN_LENGTH, 't');
  const r = decodeB64(request.r, SCALAR_LENGTH, 'r');
  const publicKey = decodeB64(pinnedPublicKey, G2_LENGTH, 'publicKey');
  const signature = unblind(decodeB64(blindSignature, G1_LENGTH, 'blindSignature'), r);
  if (!verifyToken(publicKey, request.voteId, t, signature, v2 ? 2 : 1)) {
    throw new ProtocolError('invalid_signature', 'the issued token does not verify under the pinned vote key', {
      field: 'blindSignature',
      zh: '签发的票证在已固定的表决公钥下验证不通过',
    });
  }
  if (v2) {
    // The stored secret key must be the one the token is bound to (a corrupted store would
    // otherwise produce ballots that every verifier refuses).
    const secret = decodeB64(request.ballotSecretKey, BALLOT_KEY_LENGTH, 'ballotSecretKey');
    if (toBase64url(ed25519.getPublicKey(secret)) !== request.ballotPublicKey) {
      throw new ProtocolError('invalid_key', 'the stored ballot secret key does not match its public key', {
        field: 'ballotSecretKey',
        zh: '保存的选票私钥与其公钥不符',
      });
    }
    return { voteId: request.voteId, ballotSecretKey: request.ballotSecretKey, ballotPublicKey: request.ballotPublicKey, signature: toBase64url(signature) };
  }
  return { voteId: request.voteId, t: request.t, signature: toBase64url(signature) };
}

/**
 * The ballot to cast anonymously. Validate it with validateBallot and warn on overMarkedItems
 * first. Version 2: signs { voteId, choices, purpose } with the token's one-time key
 * (deterministic, RFC 8032: the same marks always give the same ballot, so a re-send after a
 * lost answer is the identical ballot). Send it with castBodyText (ballot-v2.ts), which pads it.
 */
export function buildBallot(token: TokenV1, choices: AnyChoices): BallotV1;
export function buildBallot(token: TokenV2, choices: AnyChoices): BallotV2;
export function buildBallot(token: Token, choices: AnyChoices): Ballot;
export function buildBallot(token: Token, choices: AnyChoices): Ballot {
  if ('ballotPublicKey' in token) {
    const ballotSignature = signBallot(decodeB64(token.ballotSecretKey, BALLOT_KEY_LENGTH, 'ballotSecretKey'), token.voteId, choices);
    return { voteId: token.voteId, ballotPublicKey: token.ballotPublicKey, signature: token.signature, ballotSignature: toBase64url(ballotSignature), choices };
  }
  return { voteId: token.voteId, t: token.t, signature: token.signature, choices };
}

/** Checks a receipt is for this very ballot; returns its payload. Throws ProtocolError('invalid_signature'). */
export async function checkReceipt(receiptJws: string, jwks: JSONWebKeySet, ballot: Ballot): Promise<ReceiptPayload> {
  const payload = await verifyReceipt(receiptJws, jwks);
  if (payload.voteId !== ballot.voteId || payload.ballotHash !== ballotHash(ballot)) {
    throw new ProtocolError('invalid_signature', 'the receipt is for another ballot', { field: 'receipt', zh: '该回执属于另一张选票' });
  }
  return payload;
}

/**
 * After close: the ballot with this hash in the record's vote.closed entry, or null. Check the
 * record itself with verifyRecord; this only answers "is my ballot in it".
 */
export function findBallotInRecord(record: Pick<VoteRecord, 'voteId' | 'entries'>, hash: string): Ballot | null {
  // Unverified input: a record of another shape holds no ballot of ours.
  if (!isPlainObject(record) || !Array.isArray(record.entries)) return null;
  const closed = (record.entries as unknown[]).find(
    (e): e is Extract<ChainEntry, { kind: 'vote.closed' }> =>
      isPlainObject(e) && e.kind === 'vote.closed' && isPlainObject(e.body) && e.body.voteId === record.voteId,
  );
  if (!closed || !Array.isArray(closed.body.ballots)) return null;
  for (const ballot of closed.body.ballots) {
    try {
      if (ballotHash(ballot) === hash) return ballot;
    } catch {
      // A malformed ballot in an unverified record is simply not ours.
    }
  }
  return null;
}
