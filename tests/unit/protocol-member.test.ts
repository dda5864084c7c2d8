import { importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ballotHash } from '../../src/protocol/ballot.ts';
import { fromBase64url, toBase64url } from '../../src/protocol/encoding.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { buildBallot, checkReceipt, createTokenRequest, findBallotInRecord, finishToken } from '../../src/protocol/member.ts';
import { signReceipt } from '../../src/protocol/receipt.ts';
import { generateVoteKey, signBlinded } from '../../src/protocol/tokens.ts';
import { buildScenario } from '../support/protocol-scenario.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { protocolErrorCode } from '../support/records.ts';

const key = generateVoteKey(seededRandom('member-key'));
const pk = toBase64url(key.publicKey);

describe('token requests on the device', () => {
  it('the same seed gives the same request (randomness is the caller’s)', () => {
    expect(createTokenRequest('v-1', seededRandom('s'))).toEqual(createTokenRequest('v-1', seededRandom('s')));
  });

  it('finishToken unblinds and verifies under the pinned key', () => {
    const req = createTokenRequest('v-1', seededRandom('s'));
    const answer = toBase64url(signBlinded(key.secretKey, fromBase64url(req.blindedPoint)));
    const token = finishToken(req, answer, pk);
    expect(token).toMatchObject({ voteId: 'v-1', t: req.t });
    expect(fromBase64url(token.signature).length).toBe(48);
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
