// Version-2 ballots: marks signed by a one-time key the token is bound to, and one size for
// every ballot of a vote.
//
// Binding. For each vote the member's device makes a fresh Ed25519 key pair (RFC 8032). The
// blind token is a BLS signature on H(voteId ‖ ballotPublicKey) (tokens.ts, DST V2), and the
// ballot carries the public key and a signature by the one-time secret key over
//     ballotMessage = JCS({ "choices": choices, "purpose": "piaojue/v2/ballot", "voteId": voteId })
// Whoever changes a mark (the operator, a database administrator) must forge that signature;
// anyone checking the record sees it fail. Only the device ever holds the secret key.
//
// Equal lengths. Marks are words of different lengths (`approve` 7, `disapprove` 10), so an
// unpadded ballot tells a network observer, or a database administrator reading sealed rows,
// how many of each were cast. Every mark is therefore padded to the longest mark there is:
//     padding = "0" repeated Σ over all marks of (MARK_WIDTH − length(mark))
// The cast body is JCS({ ...ballot, padding }) and the sealed plaintext at rest is JCS(ballot)
// followed by that many spaces (JSON ignores trailing whitespace). Every other part of a
// well-formed ballot has a length fixed by the vote (ids, and base64url of fixed-size bytes),
// so every ballot of one vote has one length on the wire and one at rest, whatever its marks.
import { ed25519 } from '@noble/curves/ed25519.js';
import { BALLOT_KEY_LENGTH, MARKS, type Ballot, type BallotV2, type AnyChoices } from './ballot.ts';
import { verifyDeviceSignature, type DeviceSignatureCheck } from './device-key.ts';
import { canonicalBytes } from './encoding.ts';
import { abytes, drawBytes, type RandomBytes } from './errors.ts';

/** The purpose string inside every ballot message, so the signature can mean nothing else. */
export const BALLOT_PURPOSE = 'piaojue/v2/ballot';
/** Every mark is padded to this many characters: the length of the longest mark, `disapprove`. */
export const MARK_WIDTH: number = Math.max(...MARKS.map((m) => m.length));
/** The character the cast body's `padding` is made of. */
export const PADDING_CHAR = '0';

/** The exact bytes the one-time ballot key signs. */
export function ballotMessage(voteId: string, choices: AnyChoices): Uint8Array {
  return canonicalBytes({ voteId, choices, purpose: BALLOT_PURPOSE });
}

export interface BallotKeyPair {
  /** RFC 8032 32-byte secret seed. Stays on the device. */
  secretKey: Uint8Array;
  /** RFC 8032 32-byte public key. */
  publicKey: Uint8Array;
}

/** A fresh one-time ballot key pair from 32 random bytes (the RFC 8032 seed). */
export function generateBallotKey(randomBytes: RandomBytes): BallotKeyPair {
  const secretKey = drawBytes(randomBytes, BALLOT_KEY_LENGTH, 'ballotSecretKey');
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

/** The one-time key's signature over ballotMessage(voteId, choices), 64 bytes (RFC 8032 §5.1.6). */
export function signBallot(secretKey: Uint8Array, voteId: string, choices: AnyChoices): Uint8Array {
  return ed25519.sign(ballotMessage(voteId, choices), abytes(secretKey, BALLOT_KEY_LENGTH, 'ballotSecretKey'));
}

/** The ballot signature as a device-signature check (same strict Ed25519 rules, batchable). */
export function ballotSignatureCheck(ballot: Pick<BallotV2, 'voteId' | 'choices' | 'ballotPublicKey' | 'ballotSignature'>): DeviceSignatureCheck {
  return { device: { alg: 'Ed25519', key: ballot.ballotPublicKey }, message: ballotMessage(ballot.voteId, ballot.choices), signature: ballot.ballotSignature };
}

/**
 * Checks the ballot signature: strict RFC 8032 (canonical encodings, s < L, a key of small
 * order refused), as for device keys. Never throws on attacker-controlled input: false instead.
 */
export function verifyBallotSignature(ballot: Pick<BallotV2, 'voteId' | 'choices' | 'ballotPublicKey' | 'ballotSignature'>): boolean {
  try {
    const check = ballotSignatureCheck(ballot);
    return verifyDeviceSignature(check.device, check.message, check.signature);
  } catch {
    return false;
  }
}

/** How many padding characters a ballot needs: Σ (MARK_WIDTH − length of each mark). */
export function paddingLength(choices: AnyChoices): number {
  let n = 0;
  for (const marks of Object.values(choices)) for (const mark of Object.values(marks)) n += MARK_WIDTH - String(mark).length;
  return n;
}

/** The `padding` field a version-2 cast body must carry for these choices. */
export function ballotPadding(choices: AnyChoices): string {
  return PADDING_CHAR.repeat(paddingLength(choices));
}

/**
 * The body a client POSTs to /v1/ballots, as canonical JSON text: a version-2 ballot with its
 * `padding`, so every cast of one vote has the same length; a version-1 ballot as it is.
 */
export function castBodyText(ballot: Ballot): string {
  const body = 'ballotPublicKey' in ballot ? { ...ballot, padding: ballotPadding(ballot.choices) } : ballot;
  return new TextDecoder().decode(canonicalBytes(body));
}

/**
 * What the service seals at rest: the ballot's canonical JSON, and for version 2 as many
 * trailing spaces as the cast body has padding, so every sealed row of one vote has the same
 * length. JSON.parse of the result gives the ballot back.
 */
export function sealedBallotText(ballot: Ballot): string {
  const text = new TextDecoder().decode(canonicalBytes(ballot));
  return 'ballotPublicKey' in ballot ? text + ' '.repeat(paddingLength(ballot.choices)) : text;
}
