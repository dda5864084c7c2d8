// The one randomBytes (src/client/random.ts: the device's, the verifier worker's, the client's):
// getRandomValues fills at most 65,536 bytes a call, and a record with thousands of ballots asks
// for more in one go.
import { describe, expect, it } from 'vitest';
import { randomBytes } from '../../src/client/random.ts';

describe('randomBytes', () => {
  it('platform getRandomValues refuses more than 65,536 bytes (why the chunks are needed)', () => {
    expect(() => crypto.getRandomValues(new Uint8Array(65_537))).toThrow();
  });

  it('draws any length, in chunks, all of it random', () => {
    for (const n of [0, 1, 65_535, 65_536, 65_537, 131_072, 200_003, 1_000_000]) {
      const b = randomBytes(n);
      expect(b).toBeInstanceOf(Uint8Array);
      expect(b.length).toBe(n);
    }
    // Every chunk is filled, the tail of the last one too: no 4 KiB run of zeros anywhere.
    const big = randomBytes(300_001);
    for (let i = 0; i + 4096 <= big.length; i += 4096) expect(big.subarray(i, i + 4096).some((x) => x !== 0)).toBe(true);
    expect(big.subarray(big.length - 64).some((x) => x !== 0)).toBe(true);
  });
});
