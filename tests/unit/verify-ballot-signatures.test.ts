// Check `ballotSignatures` (version 2) alone, with an accelerator that answers for the signatures.
import { describe, expect, it } from 'vitest';
import type { Ballot } from '../../src/protocol/ballot.ts';
import { checkBallotSignatures } from '../../src/protocol/verify/ballot-signatures.ts';
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
  it('when a ballot is malformed / reports not_checked', async () => {
    expect(await checkBallotSignatures({ ballots: [b(1), 'junk'], wellFormed: [b(1), null], hashes: ['h1', ''] }, answer([true]))).toMatchObject({
      ok: false,
      code: 'not_checked',
    });
  });
});
