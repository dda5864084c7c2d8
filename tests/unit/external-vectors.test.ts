// Vectors from outside the project, typed from the RFCs (tests/vectors/rfc*.json), checked with
// the project's own code paths: Ed25519 as the ballot key and device keys use it (RFC 8032
// §7.1), and hash_to_curve to G1 as tokens use it (RFC 9380 Appendix J.9.1) — both noble's
// hashToCurve (hashToken's path) and the project's split prehash + clear_cofactor (h2c-g1.ts,
// the batch verifier's path).
import { readFileSync } from 'node:fs';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { verifyBallotSignature } from '../../src/protocol/ballot-v2.ts';
import { verifyDeviceSignature, verifyDeviceSignatures } from '../../src/protocol/device-key.ts';
import { bytesToHex, hexToBytes, toBase64url, utf8ToBytes } from '../../src/protocol/encoding.ts';
import { clearCofactor, prehashToCurve } from '../../src/protocol/h2c-g1.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const read = (name: string) => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));

describe('RFC 8032 §7.1 Ed25519 test vectors', () => {
  const v = read('rfc8032-7.1.json');

  it('names its source', () => {
    expect(v.source).toMatch(/^RFC 8032 .*Section 7\.1/);
    expect(v.vectors.map((x: { name: string }) => x.name)).toEqual(['TEST 1', 'TEST 2', 'TEST 3']);
  });

  for (const t of read('rfc8032-7.1.json').vectors as { name: string; secretKey: string; publicKey: string; message: string; signature: string }[]) {
    it(`${t.name}: the key and the signature are reproduced, and the project's strict checks accept them`, () => {
      expect(bytesToHex(ed25519.getPublicKey(hexToBytes(t.secretKey)))).toBe(t.publicKey);
      expect(bytesToHex(ed25519.sign(hexToBytes(t.message), hexToBytes(t.secretKey)))).toBe(t.signature);
      const device = { alg: 'Ed25519' as const, key: toBase64url(hexToBytes(t.publicKey)) };
      const signature = toBase64url(hexToBytes(t.signature));
      expect(verifyDeviceSignature(device, hexToBytes(t.message), signature)).toBe(true);
      expect(verifyDeviceSignatures([{ device, message: hexToBytes(t.message), signature }], seededRandom('rfc8032'))).toEqual([true]);
      // One byte of the signature changed: refused.
      const bad = hexToBytes(t.signature);
      bad[0]! ^= 1;
      expect(verifyDeviceSignature(device, hexToBytes(t.message), toBase64url(bad))).toBe(false);
    });
  }

  it('the ballot-signature check is the same strict Ed25519: it accepts a ballot signed with an RFC key and refuses it altered', () => {
    const t = v.vectors[0];
    const choices = { A: { a1: 'approve' as const } };
    const message = utf8ToBytes('{"choices":{"A":{"a1":"approve"}},"purpose":"piaojue/v2/ballot","voteId":"v-1"}');
    const ballot = {
      voteId: 'v-1',
      choices,
      ballotPublicKey: toBase64url(hexToBytes(t.publicKey)),
      ballotSignature: toBase64url(ed25519.sign(message, hexToBytes(t.secretKey))),
    };
    expect(verifyBallotSignature(ballot)).toBe(true);
    expect(verifyBallotSignature({ ...ballot, voteId: 'v-2' })).toBe(false);
  });
});

describe('RFC 9380 Appendix J.9.1 BLS12381G1_XMD:SHA-256_SSWU_RO_', () => {
  const v = read('rfc9380-j.9.1.json');

  it('names its source, suite and DST', () => {
    expect(v.source).toMatch(/^RFC 9380 .*Appendix J\.9\.1/);
    expect(v.suite).toBe('BLS12381G1_XMD:SHA-256_SSWU_RO_');
    expect(v.dst).toBe('QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_');
    expect(v.vectors.map((x: { msg: string }) => x.msg.length)).toEqual([0, 3, 16, 133, 517]);
  });

  for (const t of read('rfc9380-j.9.1.json').vectors as { msg: string; P: { x: string; y: string } }[]) {
    it(`msg of ${t.msg.length} bytes ("${t.msg.slice(0, 16)}${t.msg.length > 16 ? '…' : ''}") hashes to P, by both of the project's paths`, () => {
      const msg = utf8ToBytes(t.msg);
      const expected = { x: BigInt('0x' + t.P.x), y: BigInt('0x' + t.P.y) };
      const viaHashToCurve = bls12_381.G1.hashToCurve(msg, { DST: v.dst }).toAffine();
      expect(viaHashToCurve).toEqual(expected);
      const viaPrehash = clearCofactor(prehashToCurve(msg, v.dst)).toAffine();
      expect(viaPrehash).toEqual(expected);
    });
  }
});
