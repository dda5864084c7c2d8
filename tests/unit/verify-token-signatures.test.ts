// Check `tokenSignatures` alone: unreadable tokens are named, an accelerator's failure is not
// swallowed, a batch that checks passes.
import { describe, expect, it } from 'vitest';
import { inPlaceAccelerator } from '../../src/protocol/verifier.ts';
import { checkTokenSignatures, startTokenWork } from '../../src/protocol/verify/token-signatures.ts';
import { generateVoteKey } from '../../src/protocol/tokens.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const rnd = seededRandom('verify-token-signatures');
const key = generateVoteKey(rnd).publicKey;
const options = { jwks: { keys: [] }, randomBytes: rnd };
const env = { options, accelerator: inPlaceAccelerator(rnd), progress: () => undefined };
const check = (ballots: unknown[], accelerator = env.accelerator) => {
  const tokens = startTokenWork({ voteId: 'v-1', version: 1, ballots }, { ...env, accelerator });
  return checkTokenSignatures({ key, ballots, tokens }, env);
};

describe('check tokenSignatures', () => {
  it('passes no ballots (an empty batch)', async () => {
    expect(await check([])).toMatchObject({ ok: true });
  });
  it('when ballots carry no readable token / fails with token_signature_invalid naming them', async () => {
    expect(await check(['not a ballot', { voteId: 'v-1', t: 1, signature: 'x' }])).toMatchObject({
      ok: false,
      code: 'token_signature_invalid',
      detail: 'ballots 0, 1: token signature does not verify under the vote key',
    });
  });
  it('when a ballot is for another vote / fails with token_signature_invalid', async () => {
    const b = { voteId: 'v-2', t: 'A'.repeat(43), signature: 'A'.repeat(64) };
    expect(await check([b])).toMatchObject({ ok: false, code: 'token_signature_invalid' });
  });
  it('when the accelerator fails / rejects (the driver reports record_malformed)', async () => {
    const failing = { ...env.accelerator, tokenBatchSums: () => Promise.reject(new Error('worker died')) };
    await expect(check([], failing)).rejects.toThrow('worker died');
  });
});
