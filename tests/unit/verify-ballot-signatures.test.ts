// Check `ballotSignatures` (version 2) alone, with an accelerator that answers for the signatures.
import { describe, expect, it } from 'vitest';
import type { Ballot } from '../../src/protocol/ballot.ts';
import { checkBallotSignatures, startBallotSignatureWork } from '../../src/protocol/verify/ballot-signatures.ts';
import { fakeBallotV2 } from '../helpers/protocol-ballots.ts';

const b = (i: number): Ballot => fakeBallotV2('v-1', i, { 'i-1': { a: 'approve' } });
const answer = (results: boolean[]) => ({ accelerator: { deviceSignatures: () => Promise.resolve(results) } });

describe('check ballotSignatures', () => {
  it('passes when every one-time key signed its marks', async () => {
    expect(await checkBallotSignatures({ ballots: [b(1), b(2)], wellFormed: [b(1), b(2)], hashes: ['h1', 'h2'] }, answer([true, true]))).toMatchObject({
      ok: true,
    });
  });
  it('when a signature does not verify / fails with ballot_signature_invalid naming the ballot by hash', async () => {
    expect(await checkBallotSignatures({ ballots: [b(1), b(2)], wellFormed: [b(1), b(2)], hashes: ['h1', 'h2'] }, answer([true, false]))).toMatchObject({
      ok: false,
      code: 'ballot_signature_invalid',
      detail: 'ballot h2: the ballot signature over the marks does not verify under its ballot public key',
    });
  });
  it('reads the batch started with the vote (voteState) rather than starting another', async () => {
    let calls = 0;
    const accelerator = {
      deviceSignatures: () => {
        calls++;
        return Promise.resolve([true, false]);
      },
    };
    const ballotSignatures = startBallotSignatureWork([b(1), b(2)], accelerator);
    const vote = { ballots: [b(1), b(2)], wellFormed: [b(1), b(2)], hashes: ['h1', 'h2'], ballotSignatures };
    expect(await checkBallotSignatures(vote, answer([true, true]))).toMatchObject({ ok: false, code: 'ballot_signature_invalid' });
    expect(calls).toBe(1);
  });
  it('a batch that could not start fails the check when it runs, not before (the verifier reports record_malformed)', async () => {
    const ballotSignatures = startBallotSignatureWork([b(1)], {
      deviceSignatures: () => {
        throw new Error('no workers');
      },
    });
    await expect(checkBallotSignatures({ ballots: [b(1)], wellFormed: [b(1)], hashes: ['h1'], ballotSignatures }, answer([true]))).rejects.toThrow(
      'no workers',
    );
  });
  it('when a ballot is malformed / reports not_checked', async () => {
    expect(await checkBallotSignatures({ ballots: [b(1), 'junk'], wellFormed: [b(1), null], hashes: ['h1', ''] }, answer([true]))).toMatchObject({
      ok: false,
      code: 'not_checked',
    });
  });
});
