import { importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ballotHash } from '../../src/protocol/ballot.ts';
import { fromBase64url, toBase64url } from '../../src/protocol/encoding.ts';
import {
  buildBallot,
  checkReceipt,
  createTokenRequest,
  findBallotInRecord,
  finishToken,
  type TokenRequestV1,
  type TokenRequestV2,
} from '../../src/protocol/member-ballot.ts';
import { ballotMessage, verifyBallotSignature } from '../../src/protocol/ballot-v2.ts';
import { ed25519 } from '@noble/curves/ed25519.js';
import { signReceipt } from '../../src/protocol/receipt.ts';
import { generateVoteKey, signBlinded, verifyToken } from '../../src/protocol/tokens.ts';
import { buildScenario } from '../../testkit/protocol-scenario.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';
import { protocolErrorCode } from '../helpers/records.ts';

const key = generateVoteKey(seededRandom('member-key'));
const pk = toBase64url(key.publicKey);

describe('token requests on the device', () => {
  it('the same seed gives the same request (randomness is the caller’s)', () => {
    expect(createTokenRequest('v-1', seededRandom('s'))).toEqual(createTokenRequest('v-1', seededRandom('s')));
  });

  it('finishToken unblinds and verifies under the pinned key (version 1)', () => {
    const req = createTokenRequest('v-1', seededRandom('s'), 1) as TokenRequestV1;
    const answer = toBase64url(signBlinded(key.secretKey, fromBase64url(req.blindedPoint)));
    const token = finishToken(req, answer, pk);
    expect(token).toMatchObject({ voteId: 'v-1', t: req.t });
    expect(fromBase64url(token.signature).length).toBe(48);
  });

  it('a version-2 request binds a one-time ballot key, and its token verifies under the V2 DST only', () => {
    const req = createTokenRequest('v-1', seededRandom('s2'), 2) as TokenRequestV2;
    expect(Object.keys(req).sort()).toEqual(['ballotPublicKey', 'ballotSecretKey', 'blindedPoint', 'r', 'voteId']);
    expect(toBase64url(ed25519.getPublicKey(fromBase64url(req.ballotSecretKey)))).toBe(req.ballotPublicKey);
    const answer = toBase64url(signBlinded(key.secretKey, fromBase64url(req.blindedPoint)));
    const token = finishToken(req, answer, pk);
    expect(token).toMatchObject({ voteId: 'v-1', ballotPublicKey: req.ballotPublicKey });
    const keyBytes = fromBase64url(req.ballotPublicKey);
    expect(verifyToken(key.publicKey, 'v-1', keyBytes, fromBase64url(token.signature), 2)).toBe(true);
    expect(verifyToken(key.publicKey, 'v-1', keyBytes, fromBase64url(token.signature), 1)).toBe(false);
  });

  it('a version-2 ballot is signed by its one-time key over { voteId, choices, purpose }, deterministically', () => {
    const req = createTokenRequest('v-1', seededRandom('s3'), 2) as TokenRequestV2;
    const token = finishToken(req, toBase64url(signBlinded(key.secretKey, fromBase64url(req.blindedPoint))), pk);
    const choices = { A: { a1: 'approve' as const } };
    const ballot = buildBallot(token, choices);
    expect(Object.keys(ballot).sort()).toEqual(['ballotPublicKey', 'ballotSignature', 'choices', 'signature', 'voteId']);
    expect(verifyBallotSignature(ballot)).toBe(true);
    expect(ed25519.verify(fromBase64url(ballot.ballotSignature), ballotMessage('v-1', choices), fromBase64url(ballot.ballotPublicKey))).toBe(true);
    expect(new TextDecoder().decode(ballotMessage('v-1', choices))).toBe('{"choices":{"A":{"a1":"approve"}},"purpose":"piaojue/v2/ballot","voteId":"v-1"}');
    expect(buildBallot(token, choices)).toEqual(ballot);
    expect(verifyBallotSignature({ ...ballot, choices: { A: { a1: 'disapprove' } } })).toBe(false);
  });

  it('when the stored ballot secret key does not match its public key / throws invalid_key', () => {
    const req = createTokenRequest('v-1', seededRandom('s4'), 2) as TokenRequestV2;
    const answer = toBase64url(signBlinded(key.secretKey, fromBase64url(req.blindedPoint)));
    expect(protocolErrorCode(() => finishToken({ ...req, ballotSecretKey: toBase64url(new Uint8Array(32).fill(7)) }, answer, pk))).toBe('invalid_key');
  });

  it('when the service signed with another key than the pinned one / throws invalid_signature', () => {
    const req = createTokenRequest('v-1', seededRandom('s'));
    const rogue = generateVoteKey(seededRandom('rogue'));
    const answer = toBase64url(signBlinded(rogue.secretKey, fromBase64url(req.blindedPoint)));
    expect(protocolErrorCode(() => finishToken(req, answer, pk))).toBe('invalid_signature');
  });

  it('when the answer is the identity point / throws invalid_point', () => {
    const req = createTokenRequest('v-1', seededRandom('s'));
    const identity = new Uint8Array(48);
    identity[0] = 0xc0;
    expect(protocolErrorCode(() => finishToken(req, toBase64url(identity), pk))).toBe('invalid_point');
  });

  it('when the answer is not 48 bytes / throws invalid_length', () => {
    const req = createTokenRequest('v-1', seededRandom('s'));
    expect(protocolErrorCode(() => finishToken(req, 'AAAA', pk))).toBe('invalid_length');
  });
});

describe('receipts and the record', () => {
  const scenarioP = buildScenario('member-record', { memberCount: 4, presentCount: 3 });

  it('checkReceipt accepts the receipt of this ballot and refuses one for another', async () => {
    const s = await scenarioP;
    const key = await importJWK(s.service.privateJwk, 'EdDSA');
    const [b0, b1] = s.ballots as [never, never];
    const receipt = await signReceipt({ voteId: 'v-1', ballotHash: ballotHash(b0) }, key, s.service.kid);
    await expect(checkReceipt(receipt, s.service.jwks, b0)).resolves.toEqual({ voteId: 'v-1', ballotHash: ballotHash(b0) });
    await expect(checkReceipt(receipt, s.service.jwks, b1)).rejects.toMatchObject({ code: 'invalid_signature' });
  });

  it('findBallotInRecord finds a cast ballot by its hash and nothing for an unknown hash', async () => {
    const s = await scenarioP;
    const mine = s.ballots[1]!;
    expect(findBallotInRecord(s.record, ballotHash(mine))).toEqual(mine);
    expect(findBallotInRecord(s.record, '0'.repeat(64))).toBeNull();
  });

  it('buildBallot carries exactly voteId, t, signature and choices', () => {
    const b = buildBallot({ voteId: 'v-1', t: 'x', signature: 'y' }, { A: { a1: 'approve' } });
    expect(Object.keys(b).sort()).toEqual(['choices', 'signature', 't', 'voteId']);
  });
});
