// The optional native G1 decoding (src/workers/native-g1.ts, blst from @chainsafe/blst) must accept
// exactly the bytes decodeG1 accepts and give the same points, so that the verifier's answers are
// the same on both paths. Skipped where the optional package is not installed (the pure path is
// then the only one, and every other verifier test covers it).
import { createRequire } from 'node:module';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { afterEach, describe, expect, it } from 'vitest';
import { blstG1Decoder, nativeG1Decoder } from '../../src/workers/native-g1.ts';
import { createWorkerAccelerator } from '../../src/cli/verify-workers.ts';
import { bytesToNumberBE, numberToBytesBE } from '../../src/protocol/encoding.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { inPlaceAccelerator } from '../../src/protocol/verifier.ts';
import { invalidG1Points } from '../../src/protocol/verify/issuances.ts';
import {
  batchCoefficients,
  blindToken,
  decodeG1,
  generateVoteKey,
  locateInvalidTokens,
  randomBlindingScalar,
  signBlinded,
  tokenBatchSums,
  unblind,
  type G1Decoder,
  type TokenItem,
} from '../../src/protocol/tokens.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const G1 = bls12_381.G1.Point;
const Fp = bls12_381.fields.Fp;

function loadBlst(): G1Decoder | null {
  try {
    return blstG1Decoder(createRequire(import.meta.url)('@chainsafe/blst'));
  } catch {
    return null;
  }
}
const native = loadBlst();

/** What a decoder says of some bytes: the point's encoding, or the error's code. */
function outcome(decode: G1Decoder, bytes: Uint8Array): { point: string } | { code: string } {
  try {
    const p = decode(bytes, 'p');
    const { x, y } = p.toAffine();
    return { point: `${x.toString(16)}/${y.toString(16)}/${p.is0()}` };
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return { code: (e as ProtocolError).code };
  }
}

const rnd = seededRandom('native-g1');
const scalar = () => (bytesToNumberBE(rnd(32)) % (bls12_381.fields.Fr.ORDER - 1n)) + 1n;

/** An on-curve point outside the prime-order subgroup (x small), compressed. */
function outsideSubgroup(): Uint8Array {
  for (let x = 1n; ; x++) {
    const y2 = Fp.add(Fp.mul(Fp.sqr(x), x), 4n);
    let y: bigint;
    try {
      y = Fp.sqrt(y2);
    } catch {
      continue;
    }
    const point = G1.fromAffine({ x, y });
    if (point.isTorsionFree()) continue;
    const bytes = numberToBytesBE(x, 48);
    bytes[0]! |= 0x80;
    if (y > Fp.neg(y)) bytes[0]! |= 0x20;
    return bytes;
  }
}

/** Valid points and every way a 48-byte string can fail strict decoding. */
function cases(): Uint8Array[] {
  const valid = Array.from({ length: 24 }, () => G1.BASE.multiply(scalar()).toBytes(true));
  const out: Uint8Array[] = [...valid];
  const v = valid[0]!;
  const withByte = (b: Uint8Array, i: number, f: (x: number) => number) => {
    const c = b.slice();
    c[i] = f(c[i]!);
    return c;
  };
  const identity = new Uint8Array(48);
  identity[0] = 0xc0;
  out.push(identity);
  out.push(withByte(identity, 0, () => 0xe0)); // identity with the sort flag
  out.push(withByte(identity, 47, () => 1)); // infinity flag with a nonzero x
  out.push(withByte(v, 0, (x) => x & 0x7f)); // no compression flag
  out.push(withByte(v, 0, (x) => x | 0x40)); // infinity flag on a point
  out.push(withByte(v, 0, (x) => x ^ 0x20)); // the other y: -P, valid
  out.push(withByte(v, 47, (x) => x ^ 1)); // another x: off the curve or another point
  out.push(withByte(v, 10, (x) => x ^ 0x55));
  // x ≥ p: a non-canonical spelling of a valid point's x + p (when it fits in 381 bits).
  for (const b of valid) {
    const x = bytesToNumberBE(b.slice().fill(b[0]! & 0x1f, 0, 1)) + Fp.ORDER;
    if (x < 1n << 381n) {
      const c = numberToBytesBE(x, 48);
      c[0]! |= b[0]! & 0xe0;
      out.push(c);
      break;
    }
  }
  out.push(withByte(new Uint8Array(48).fill(0xff), 0, () => 0x9f)); // x ≥ p
  out.push(new Uint8Array(48)); // all zero: no flags
  out.push(outsideSubgroup());
  out.push(new Uint8Array(47), new Uint8Array(96)); // wrong lengths
  return out;
}

describe.skipIf(!native)('native strict G1 decoding (optional @chainsafe/blst)', () => {
  it('accepts exactly the bytes decodeG1 accepts, with the same points and error codes', () => {
    const all = cases();
    const results = all.map((b) => [outcome(decodeG1, b), outcome(native!, b)]);
    for (const [pure, fast] of results) expect(fast).toEqual(pure);
    // Both kinds are there: valid points, and refusals for bad points and bad lengths.
    const codes = results.map(([pure]) => ('code' in pure! ? pure.code : 'ok'));
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(25);
    expect(codes).toContain('invalid_point');
    expect(codes).toContain('invalid_length');
    expect(outcome(native!, outsideSubgroup())).toEqual({ code: 'invalid_point' });
  });

  it('gives the same batch sums, the same bad items and the same named bad tokens', () => {
    const key = generateVoteKey(rnd);
    const items: TokenItem[] = Array.from({ length: 6 }, (_, i) => {
      const t = rnd(32);
      const r = randomBlindingScalar(rnd);
      const signature = unblind(signBlinded(key.secretKey, blindToken('v-1', t, r, 2)), r);
      return { voteId: 'v-1', t, signature: i === 4 ? G1.BASE.multiply(scalar()).toBytes(true) : signature, version: 2 };
    });
    const cs = batchCoefficients(rnd, items.length);
    expect(tokenBatchSums(items, cs, { decodeG1: native! })).toEqual(tokenBatchSums(items, cs));
    const badPoint = items.map((it, i) => (i === 2 ? { ...it, signature: outsideSubgroup() } : it));
    expect(tokenBatchSums(badPoint, cs, { decodeG1: native! })).toEqual({ ok: false, bad: [2] });
    expect(tokenBatchSums(badPoint, cs)).toEqual({ ok: false, bad: [2] });
    const seed = rnd(16);
    const located = (decode?: G1Decoder) => locateInvalidTokens(key.publicKey, items, seededRandom(String(seed)), decode ? { decodeG1: decode } : {});
    expect(located(native!)).toEqual({ bad: [4], complete: true });
    expect(located()).toEqual({ bad: [4], complete: true });
    const points = cases().filter((b) => b.length === 48);
    expect(invalidG1Points(points, native!)).toEqual(invalidG1Points(points));
  });

  it('the in-place accelerator with it answers as the pure one', async () => {
    const points = cases().filter((b) => b.length === 48);
    expect(await inPlaceAccelerator(rnd, native!).invalidG1Points!(points)).toEqual(invalidG1Points(points));
  });
});

describe('the CLI verifier workers pick their G1 decoding', () => {
  const saved = process.env.PIAOJUE_NATIVE_BLS;
  afterEach(() => {
    if (saved === undefined) delete process.env.PIAOJUE_NATIVE_BLS;
    else process.env.PIAOJUE_NATIVE_BLS = saved;
  });

  it('run the native backend where it loads, the pure one with PIAOJUE_NATIVE_BLS=0, and answer the same', async () => {
    const points = cases().filter((b) => b.length === 48);
    delete process.env.PIAOJUE_NATIVE_BLS;
    const fast = createWorkerAccelerator({ threads: 1 });
    process.env.PIAOJUE_NATIVE_BLS = '0';
    const pure = createWorkerAccelerator({ threads: 1 });
    try {
      expect(await fast.backend()).toBe(native ? 'native' : 'js');
      expect(await pure.backend()).toBe('js');
      expect(nativeG1Decoder()).toBeNull();
      expect(await fast.invalidG1Points!(points)).toEqual(invalidG1Points(points));
      expect(await pure.invalidG1Points!(points)).toEqual(invalidG1Points(points));
    } finally {
      await Promise.all([fast.close(), pure.close()]);
    }
  });
});
