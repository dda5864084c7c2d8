import { bls12_381 } from '@noble/curves/bls12-381.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes, concatBytes } from '../../src/protocol/encoding.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import {
  blindToken,
  decodeG1,
  findInvalidTokens,
  generateVoteKey,
  GROUP_ORDER,
  hashToken,
  publicKeyOf,
  randomBlindingScalar,
  signBlinded,
  TOKEN_DST,
  unblind,
  verifyToken,
  verifyTokensBatch,
  type TokenItem,
} from '../../src/protocol/tokens.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';
import { protocolErrorCode } from '../helpers/records.ts';

/** 48-byte compressed encoding of a small x coordinate, flags set by hand (ZCash format). */
function compressedX(x: bigint, flags = 0x80): Uint8Array {
  const out = new Uint8Array(48);
  let v = x;
  for (let i = 47; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  out[0]! |= flags;
  return out;
}

function issue(voteId: string, seed: string) {
  const rnd = seededRandom(seed);
  const key = generateVoteKey(rnd);
  const t = rnd(32);
  const r = randomBlindingScalar(rnd);
  const signature = unblind(signBlinded(key.secretKey, blindToken(voteId, t, r)), r);
  return { key, t, r, signature };
}

describe('hashToken', () => {
  it('is RFC 9380 hash_to_curve over utf8(voteId) ‖ t under the project DST, not encode_to_curve', () => {
    const t = seededRandom('h2c')(32);
    const expected = bls12_381.G1.hashToCurve(concatBytes(utf8ToBytes('v-1'), t), { DST: TOKEN_DST }).toBytes(true);
    const encoded = bls12_381.G1.encodeToCurve(concatBytes(utf8ToBytes('v-1'), t), { DST: TOKEN_DST }).toBytes(true);
    expect(bytesToHex(hashToken('v-1', t))).toBe(bytesToHex(expected));
    expect(bytesToHex(hashToken('v-1', t))).not.toBe(bytesToHex(encoded));
  });

  it('separates votes: the same t under another voteId hashes elsewhere', () => {
    const t = seededRandom('sep')(32);
    expect(bytesToHex(hashToken('v-1', t))).not.toBe(bytesToHex(hashToken('v-2', t)));
  });

  it('when t is not 32 bytes / throws invalid_length', () => {
    expect(protocolErrorCode(() => hashToken('v-1', new Uint8Array(31)))).toBe('invalid_length');
  });
});

describe('vote keys', () => {
  it('generateVoteKey gives a 32-byte scalar and its 96-byte compressed G2 key', () => {
    const key = generateVoteKey(seededRandom('k'));
    expect(key.secretKey.length).toBe(32);
    expect(key.publicKey.length).toBe(96);
    expect(bytesToHex(publicKeyOf(key.secretKey))).toBe(bytesToHex(key.publicKey));
  });

  it('a zero secret key / throws invalid_scalar', () => {
    expect(protocolErrorCode(() => publicKeyOf(new Uint8Array(32)))).toBe('invalid_scalar');
  });

  it('draws uniform non-zero scalars even from an all-zero or all-ones stream', () => {
    const zero = randomBlindingScalar((n) => new Uint8Array(n));
    expect(BigInt('0x' + bytesToHex(zero))).toBe(1n);
    const ones = randomBlindingScalar((n) => new Uint8Array(n).fill(0xff));
    const v = BigInt('0x' + bytesToHex(ones));
    expect(v > 0n && v < GROUP_ORDER).toBe(true);
  });

  it('when randomBytes returns too few bytes / throws invalid_randomness', () => {
    expect(protocolErrorCode(() => generateVoteKey((n) => new Uint8Array(n - 1)))).toBe('invalid_randomness');
  });
});

describe('blind → sign → unblind', () => {
  it('verifies under the vote key', () => {
    const { key, t, signature } = issue('v-1', 'ok');
    expect(verifyToken(key.publicKey, 'v-1', t, signature)).toBe(true);
  });

  it('fails under another vote key', () => {
    const { t, signature } = issue('v-1', 'ok');
    const other = generateVoteKey(seededRandom('other'));
    expect(verifyToken(other.publicKey, 'v-1', t, signature)).toBe(false);
  });

  it('fails for another voteId or another t', () => {
    const { key, t, signature } = issue('v-1', 'ok');
    expect(verifyToken(key.publicKey, 'v-2', t, signature)).toBe(false);
    const t2 = t.slice();
    t2[0]! ^= 1;
    expect(verifyToken(key.publicKey, 'v-1', t2, signature)).toBe(false);
  });

  it('the blinded point does not equal the hashed token (the issuer never sees H)', () => {
    const rnd = seededRandom('b');
    const t = rnd(32);
    expect(bytesToHex(blindToken('v-1', t, randomBlindingScalar(rnd)))).not.toBe(bytesToHex(hashToken('v-1', t)));
  });

  it('verifyToken returns false for a malformed signature instead of throwing', () => {
    const { key, t } = issue('v-1', 'ok');
    expect(verifyToken(key.publicKey, 'v-1', t, new Uint8Array(48))).toBe(false);
    expect(verifyToken(key.publicKey, 'v-1', t, new Uint8Array(47))).toBe(false);
  });

  it('verifyToken with a malformed public key / throws invalid_key', () => {
    const { t, signature } = issue('v-1', 'ok');
    expect(protocolErrorCode(() => verifyToken(new Uint8Array(96), 'v-1', t, signature))).toBe('invalid_key');
    expect(protocolErrorCode(() => verifyToken(new Uint8Array(95), 'v-1', t, signature))).toBe('invalid_length');
  });
});

describe('signBlinded refuses bad blinded points', () => {
  const { key } = issue('v-1', 'ok');

  it('when the point is the identity / throws invalid_point', () => {
    expect(protocolErrorCode(() => signBlinded(key.secretKey, compressedX(0n, 0xc0)))).toBe('invalid_point');
  });

  it('when the point is on the curve but outside the prime-order subgroup / throws invalid_point', () => {
    // x = 4: 4³ + 4 = 68 is a square mod p, but the point has a cofactor component.
    expect(protocolErrorCode(() => signBlinded(key.secretKey, compressedX(4n)))).toBe('invalid_point');
  });

  it('when x is not on the curve / throws invalid_point', () => {
    expect(protocolErrorCode(() => signBlinded(key.secretKey, compressedX(1n)))).toBe('invalid_point');
  });

  it('when x is not below the field modulus / throws invalid_point', () => {
    const p = bls12_381.fields.Fp.ORDER;
    expect(protocolErrorCode(() => signBlinded(key.secretKey, compressedX(p + 4n)))).toBe('invalid_point');
  });

  it('when the compression flag is missing / throws invalid_point', () => {
    const good = hashToken('v-1', new Uint8Array(32));
    const bad = good.slice();
    bad[0]! &= 0x7f;
    expect(protocolErrorCode(() => signBlinded(key.secretKey, bad))).toBe('invalid_point');
  });

  it('when the point is 96-byte uncompressed / throws invalid_length', () => {
    const uncompressed = bls12_381.G1.Point.BASE.toBytes(false);
    expect(protocolErrorCode(() => signBlinded(key.secretKey, uncompressed))).toBe('invalid_length');
  });

  it('decodeG1 names the field in the error', () => {
    try {
      decodeG1(compressedX(0n, 0xc0), 'blindedPoint');
      expect.unreachable();
    } catch (e) {
      expect((e as ProtocolError).field).toBe('blindedPoint');
    }
  });
});

describe('batch verification', () => {
  const rnd = seededRandom('batch');
  const key = generateVoteKey(rnd);
  const items: TokenItem[] = Array.from({ length: 12 }, () => {
    const t = rnd(32);
    const r = randomBlindingScalar(rnd);
    return { voteId: 'v-1', t, signature: unblind(signBlinded(key.secretKey, blindToken('v-1', t, r)), r) };
  });

  it('accepts a batch of valid tokens, and an empty batch', () => {
    expect(verifyTokensBatch(key.publicKey, items, rnd)).toBe(true);
    expect(verifyTokensBatch(key.publicKey, [], rnd)).toBe(true);
    expect(findInvalidTokens(key.publicKey, items, rnd)).toEqual([]);
  });

  it('catches one swapped signature and names its index', () => {
    const bad = items.slice();
    bad[7] = { ...bad[7]!, signature: items[3]!.signature };
    expect(verifyTokensBatch(key.publicKey, bad, rnd)).toBe(false);
    expect(findInvalidTokens(key.publicKey, bad, rnd)).toEqual([7]);
  });

  it('catches two signatures that cancel in a plain sum (S₁ + δ, S₂ − δ)', () => {
    const delta = bls12_381.G1.Point.BASE.multiply(12345n);
    const P = bls12_381.G1.Point;
    const bad = items.slice();
    bad[1] = { ...bad[1]!, signature: P.fromBytes(items[1]!.signature).add(delta).toBytes(true) };
    bad[2] = { ...bad[2]!, signature: P.fromBytes(items[2]!.signature).subtract(delta).toBytes(true) };
    expect(verifyTokensBatch(key.publicKey, bad, rnd)).toBe(false);
    expect(findInvalidTokens(key.publicKey, bad, rnd)).toEqual([1, 2]);
  });

  it('a malformed signature makes the batch false and is named', () => {
    const bad = items.slice();
    bad[0] = { ...bad[0]!, signature: compressedX(4n) };
    expect(verifyTokensBatch(key.publicKey, bad, rnd)).toBe(false);
    expect(findInvalidTokens(key.publicKey, bad, rnd)).toEqual([0]);
  });

  it('reports progress for every item', () => {
    const seen: number[] = [];
    verifyTokensBatch(key.publicKey, items, rnd, { onProgress: (done) => seen.push(done) });
    expect(seen).toEqual(items.map((_, i) => i + 1));
  });
});
