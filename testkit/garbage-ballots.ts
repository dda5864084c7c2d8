// Well-formed garbage ballots, as an attacker who knows an open vote's id can make them: the
// right shape and lengths, exact padding, a valid one-time key signature (the attacker's own
// key), and a token signature that is a valid G1 point — which only the pairing shows is not
// a blind signature of this vote's key.
import { randomBytes } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { Choices, VoteDefinition } from '../src/protocol/ballot.ts';
import { generateBallotKey } from '../src/protocol/ballot-v2.ts';
import { toBase64url } from '../src/protocol/encoding.ts';
import { buildBallot, type TokenV2 } from '../src/protocol/member-ballot.ts';
import type { Ballot } from '../src/protocol/ballot.ts';

const rng = (n: number) => new Uint8Array(randomBytes(n));
/** A fixed valid point (a multiple of the generator): computing a fresh one per ballot would only slow the attacker down. */
const POINT = toBase64url(bls12_381.G1.Point.BASE.multiply(987_654_321n).toBytes(true));

export function allApprove(def: VoteDefinition): Choices {
  return Object.fromEntries(def.items.map((it) => [it.itemId, Object.fromEntries(it.candidates.map((c) => [c.candidateId, 'approve' as const]))]));
}

export function garbageBallot(def: VoteDefinition): Ballot {
  const key = generateBallotKey(rng);
  const token: TokenV2 = { voteId: def.voteId, ballotSecretKey: toBase64url(key.secretKey), ballotPublicKey: toBase64url(key.publicKey), signature: POINT };
  return buildBallot(token, allApprove(def));
}
