import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { describe, expect, it } from 'vitest';
import { makeVectors, serialise } from '../../scripts/make-vectors.ts';
import { bytesToHex, hexToBytes } from '../../src/protocol/encoding.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import { seededRandom } from '../support/seeded-random.ts';

const dir = new URL('../vectors/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const generated = await makeVectors();

/** A second, naive canonical form (sorted keys, JSON.stringify escapes): equal to RFC 8785 for strings, integers, booleans. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
const sha256hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('test vectors', () => {
  for (const name of Object.keys(generated)) {
    it(`${name} is reproduced byte for byte from its seeds`, () => {
      expect(serialise(generated[name])).toBe(read(name));
    });
  }

  it('h2c.json: each point is hash_to_curve(msg) with the DST, and msg = utf8(voteId) ‖ t', () => {
    const v = JSON.parse(read('h2c.json'));
    for (const c of v.cases) {
      expect(c.msg).toBe(Buffer.from(c.voteId, 'utf8').toString('hex') + c.t);
      expect(bytesToHex(bls12_381.G1.hashToCurve(hexToBytes(c.msg), { DST: v.dst }).toBytes(true))).toBe(c.point);
    }
  });

  it('blind.json: the scalar relations hold and the signature verifies as a BLS short signature', () => {
    const G1 = bls12_381.G1.Point;
    for (const c of JSON.parse(read('blind.json')).cases) {
      const sk = BigInt('0x' + c.secretKey);
      const r = BigInt('0x' + c.r);
      const H = G1.fromHex(c.hashedToken);
      expect(H.multiply(r).toHex(true)).toBe(c.blindedPoint);
      expect(G1.fromHex(c.blindedPoint).multiply(sk).toHex(true)).toBe(c.blindSignature);
      expect(H.multiply(sk).toHex(true)).toBe(c.signature);
      expect(bls12_381.G2.Point.BASE.multiply(sk).toHex(true)).toBe(c.publicKey);
      expect(bls12_381.shortSignatures.verify(G1.fromHex(c.signature), H, bls12_381.G2.Point.fromHex(c.publicKey))).toBe(true);
    }
  });

  it('ballot.json: the hash is SHA-256 of the canonical JSON', () => {
    const v = JSON.parse(read('ballot.json'));
    expect(v.canonical).toBe(sortedJson(v.ballot));
    expect(sha256hex(v.canonical)).toBe(v.hash);
  });

  it('chain.json: every hash is SHA-256 of the canonical entry and links to the one before', () => {
    const v = JSON.parse(read('chain.json'));
    let prev = '0'.repeat(64);
    for (const { entry, canonical } of v.entries) {
      const { hash, ...rest } = entry;
      expect(canonical).toBe(sortedJson(rest));
      expect(sha256hex(canonical)).toBe(hash);
      expect(entry.prev).toBe(prev);
      prev = hash;
    }
  });

  it('record.json: the complete record verifies', async () => {
    const v = JSON.parse(read('record.json'));
    const report = await verifyRecord(v.record, { jwks: v.jwks, randomBytes: seededRandom('vectors') });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
