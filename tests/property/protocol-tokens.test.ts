import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blindToken, generateVoteKey, signBlinded, unblind, verifyToken } from '../../src/protocol/tokens.ts';
import { randomScalar } from '../../src/protocol/tokens.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

describe('blind BLS tokens (property)', () => {
  const key = generateVoteKey(seededRandom('prop-key'));

  it('blind → sign → unblind always verifies, for any t, r and voteId', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (t, seed, voteId) => {
          const r = randomScalar(() => seed);
          const signature = unblind(signBlinded(key.secretKey, blindToken(voteId, t, r)), r);
          expect(verifyToken(key.publicKey, voteId, t, signature)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });
});
