// A deterministic byte stream for tests and vectors: SHA-256(seed ‖ counter₃₂), concatenated.
// Never for production randomness.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '../src/protocol/encoding.ts';

export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  return (n: number) => {
    while (pool.length < n) {
      const c = new Uint8Array(4);
      new DataView(c.buffer).setUint32(0, counter++);
      pool = concatBytes(pool, sha256(concatBytes(utf8ToBytes(seed), c)));
    }
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}
