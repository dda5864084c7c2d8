// The verifier's fast paths compute exactly what the plain definitions compute: deferred
// cofactor clearing, 128-bit MSM, chunked batch sums, Ed25519 batch verification, bisection.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { pippenger } from '@noble/curves/abstract/curve.js';
import { describe, expect, it } from 'vitest';
import { tokenRequestMessage, verifyDeviceSignature, verifyDeviceSignatures, type DeviceSignatureCheck } from '../../src/protocol/device-key.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { clearCofactor, prehashToCurve } from '../../src/protocol/h2c-g1.ts';
import { msm } from '../../src/protocol/msm.ts';
import {
  batchCoefficients,
  blindToken,
  checkBatchSums,
  generateVoteKey,
  hashToken,
  locateInvalidTokens,
  randomBlindingScalar,
  signBlinded,
  TOKEN_DST,
  tokenBatchSums,
  tokenMessage,
  unblind,
  type TokenItem,
} from '../../src/protocol/tokens.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const G1 = bls12_381.G1.Point;

describe('hash_to_curve split at the cofactor clearing (h2c-g1.ts)', () => {
  it('clearCofactor(prehashToCurve(m)) equals noble hashToCurve(m) for many messages', () => {
    const rnd = seededRandom('h2c-split');
    for (let i = 0; i < 40; i++) {
      const msg = tokenMessage(`v-${i}`, rnd(32));
      expect(clearCofactor(prehashToCurve(msg, TOKEN_DST)).toHex(true)).toBe(bls12_381.G1.hashToCurve(msg, { DST: TOKEN_DST }).toHex(true));
    }
  });

  it('a pre-hash point is (in general) not in the subgroup, but its cleared sum is the sum of the hashes', () => {
    const rnd = seededRandom('h2c-sum');
    const msgs = Array.from({ length: 8 }, (_, i) => tokenMessage('v-1', rnd(32 + 0 * i)));
    const pres = msgs.map((m) => prehashToCurve(m, TOKEN_DST));
    expect(pres.some((q) => !q.isTorsionFree())).toBe(true);
    const cs = batchCoefficients(rnd, msgs.length);
    const hashes = msgs.map((m) => G1.fromBytes(hashToken('v-1', m.subarray(3))));
    expect(clearCofactor(msm(G1.ZERO, pres, cs, 128)).equals(pippenger(G1, hashes, cs))).toBe(true);
  });
});

describe('msm', () => {
  it('equals noble pippenger on G1 and Ed25519, for 0, 1, 5 and 300 points', () => {
    const rnd = seededRandom('msm');
    for (const n of [0, 1, 5, 300]) {
      const pts = Array.from({ length: n }, (_, i) => G1.BASE.multiply(BigInt(i + 7) * 1000003n));
      const cs = batchCoefficients(rnd, n);
      expect(msm(G1.ZERO, pts, cs, 128).equals(pippenger(G1, pts, cs))).toBe(true);
      const ep = Array.from({ length: n }, (_, i) => ed25519.Point.BASE.multiply(BigInt(i + 3) * 7919n));
      const es = Array.from({ length: n }, (_, i) => (BigInt(i) * 0x1234567890abcdef1234567890abcdef1234567890abcdefn) % ed25519.Point.Fn.ORDER);
      expect(msm(ed25519.Point.ZERO, ep, es, 253).equals(pippenger(ed25519.Point, ep, es))).toBe(true);
    }
  });

  it('refuses a scalar wider than the stated bits', () => {
    expect(() => msm(G1.ZERO, [G1.BASE], [1n << 128n], 128)).toThrow(RangeError);
    expect(() => msm(G1.ZERO, [G1.BASE], [-1n], 128)).toThrow(RangeError);
  });
});

describe('chunked batch sums', () => {
  const rnd = seededRandom('chunks');
  const key = generateVoteKey(rnd);
  const items: TokenItem[] = Array.from({ length: 10 }, () => {
    const t = rnd(32);
    const r = randomBlindingScalar(rnd);
    return { voteId: 'v-1', t, signature: unblind(signBlinded(key.secretKey, blindToken('v-1', t, r)), r) };
  });

  it('the sums of any split into chunks add up to the same verdict', () => {
    const cs = batchCoefficients(rnd, items.length);
    const whole = tokenBatchSums(items, cs);
    const a = tokenBatchSums(items.slice(0, 3), cs.slice(0, 3));
    const b = tokenBatchSums(items.slice(3), cs.slice(3));
    expect(whole.ok && a.ok && b.ok).toBe(true);
    if (!whole.ok || !a.ok || !b.ok) return;
    expect(checkBatchSums(key.publicKey, [whole])).toBe(true);
    expect(checkBatchSums(key.publicKey, [a, b])).toBe(true);
    const swapped = items.slice(3);
    swapped[2] = { ...swapped[2]!, signature: items[0]!.signature };
    const b2 = tokenBatchSums(swapped, cs.slice(3));
    expect(b2.ok && checkBatchSums(key.publicKey, [a, b2])).toBe(false);
  });

  it('a signature with a small-order component is refused at decoding, before any sum', () => {
    // S + T with T of order 3 on the curve (not in the subgroup): e.g. the point with x = 0 has y² = 4.
    const T = G1.fromAffine({ x: 0n, y: 2n });
    expect(T.multiplyUnsafe(3n).is0()).toBe(true);
    const bad = items.slice();
    const S = G1.fromBytes(items[4]!.signature);
    const { x, y } = S.add(T).toAffine();
    const p = bls12_381.fields.Fp.ORDER;
    const enc = Uint8Array.from(Buffer.from(x.toString(16).padStart(96, '0'), 'hex'));
    enc[0]! |= 0x80 | (y > (p - 1n) / 2n ? 0x20 : 0);
    expect(() => G1.fromBytes(enc)).toThrow(); // noble refuses it too
    bad[4] = { ...bad[4]!, signature: enc };
    const sums = tokenBatchSums(bad, batchCoefficients(rnd, bad.length));
    expect(sums).toEqual({ ok: false, bad: [4] });
  });

  it('bisection names the bad items, and stops at its budget with complete: false', () => {
    const bad = items.slice();
    bad[2] = { ...bad[2]!, signature: items[3]!.signature };
    bad[8] = { ...bad[8]!, signature: items[9]!.signature };
    expect(locateInvalidTokens(key.publicKey, bad, rnd)).toEqual({ bad: [2, 8], complete: true });
    const partial = locateInvalidTokens(key.publicKey, bad, rnd, { maxPairings: 5 });
    expect(partial.complete).toBe(false);
    expect(partial.bad.every((i) => i === 2 || i === 8)).toBe(true);
  });
});

describe('verifyDeviceSignatures (Ed25519 batch, ES256 single)', () => {
  const rnd = seededRandom('devices');
  const edKeys = Array.from({ length: 6 }, () => rnd(32));
  const edChecks: DeviceSignatureCheck[] = edKeys.map((sk, i) => {
    const message = tokenRequestMessage('v-1', `point-${i}`);
    return { device: { alg: 'Ed25519', key: toBase64url(ed25519.getPublicKey(sk)) }, message, signature: toBase64url(ed25519.sign(message, sk)) };
  });
  const esSecret = p256.utils.randomSecretKey(rnd(48));
  const esMessage = tokenRequestMessage('v-1', 'point-es');
  const esCheck: DeviceSignatureCheck = {
    device: { alg: 'ES256', key: toBase64url(p256.getPublicKey(esSecret, false)) },
    message: esMessage,
    signature: toBase64url(p256.sign(esMessage, esSecret, { prehash: true, format: 'compact' })),
  };
  const single = (cs: DeviceSignatureCheck[]) => cs.map((c) => verifyDeviceSignature(c.device, c.message, c.signature));

  it('answers exactly as the single check: all good', () => {
    const all = [...edChecks, esCheck];
    expect(single(all)).toEqual(all.map(() => true));
    expect(verifyDeviceSignatures(all, rnd)).toEqual(single(all));
    expect(verifyDeviceSignatures([], rnd)).toEqual([]);
  });

  it('answers exactly as the single check: a swapped, a malformed, a high-s and a wrong-message signature', () => {
    const bad = edChecks.map((c) => ({ ...c }));
    bad[1]!.signature = edChecks[2]!.signature;
    bad[3]!.signature = 'AAAA';
    const raw = Uint8Array.from(Buffer.from(edChecks[4]!.signature, 'base64url'));
    // s + L: same point equation, but s ≥ L must be refused (malleability).
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(raw[i]!);
    s += ed25519.Point.Fn.ORDER;
    for (let i = 32; i < 64; i++) {
      raw[i] = Number(s & 0xffn);
      s >>= 8n;
    }
    bad[4]!.signature = toBase64url(raw);
    bad[5]!.message = tokenRequestMessage('v-2', 'point-5');
    const expected = single(bad);
    expect(expected).toEqual([true, false, true, false, false, false]);
    expect(verifyDeviceSignatures(bad, rnd)).toEqual(expected);
  });
});
