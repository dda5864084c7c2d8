import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { makeVectors, serialise } from '../../scripts/make-vectors.ts';
import { bytesToHex, hexToBytes } from '../../src/protocol/encoding.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import { verifyComposite } from '../../src/protocol/verify/composite.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

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

  it('record.json: the complete version-1 record still verifies', async () => {
    const v = JSON.parse(read('record.json'));
    const report = await verifyRecord(v.record, { jwks: v.jwks, randomBytes: seededRandom('vectors') });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.version).toBe(1);
    expect(report.checks.map((c) => c.id)).not.toContain('ballotSignatures');
  });

  it('token-v2.json: msg = utf8(voteId) ‖ ballotPublicKey, the point is hash_to_curve under the V2 DST, and the blind relations hold', () => {
    const v = JSON.parse(read('token-v2.json'));
    expect(v.dst).toBe('PIAOJUE-V2-TOKEN_BLS12381G1_XMD:SHA-256_SSWU_RO_');
    const G1 = bls12_381.G1.Point;
    for (const c of v.cases) {
      expect(bytesToHex(ed25519.getPublicKey(hexToBytes(c.ballotSecretKey)))).toBe(c.ballotPublicKey);
      expect(c.msg).toBe(Buffer.from(c.voteId, 'utf8').toString('hex') + c.ballotPublicKey);
      const H = bls12_381.G1.hashToCurve(hexToBytes(c.msg), { DST: v.dst });
      expect(bytesToHex(H.toBytes(true))).toBe(c.hashedToken);
      // Not the version-1 point: a token of one version never verifies as the other.
      expect(bytesToHex(bls12_381.G1.hashToCurve(hexToBytes(c.msg), { DST: 'PIAOJUE-V1-TOKEN_BLS12381G1_XMD:SHA-256_SSWU_RO_' }).toBytes(true))).not.toBe(
        c.hashedToken,
      );
      const sk = BigInt('0x' + c.voteSecretKey);
      expect(
        G1.fromHex(c.hashedToken)
          .multiply(BigInt('0x' + c.r))
          .toHex(true),
      ).toBe(c.blindedPoint);
      expect(G1.fromHex(c.blindedPoint).multiply(sk).toHex(true)).toBe(c.blindSignature);
      expect(bls12_381.shortSignatures.verify(G1.fromHex(c.signature), G1.fromHex(c.hashedToken), bls12_381.G2.Point.fromHex(c.votePublicKey))).toBe(true);
    }
  });

  it('ballot-v2.json: each ballot signature is Ed25519 over the canonical { choices, purpose, voteId }, and both cast bodies have one length', () => {
    const v = JSON.parse(read('ballot-v2.json'));
    const lengths = new Set<number>();
    for (const c of v.ballots) {
      const b = c.ballot;
      expect(c.signedMessage).toBe(sortedJson({ voteId: b.voteId, choices: b.choices, purpose: 'piaojue/v2/ballot' }));
      expect(
        ed25519.verify(Buffer.from(b.ballotSignature, 'base64url'), Buffer.from(c.signedMessage, 'utf8'), Buffer.from(b.ballotPublicKey, 'base64url')),
      ).toBe(true);
      expect(c.canonical).toBe(sortedJson(b));
      expect(sha256hex(c.canonical)).toBe(c.hash);
      const marks = Object.values(b.choices as Record<string, Record<string, string>>).flatMap((m) => Object.values(m));
      expect(c.padding).toBe('0'.repeat(marks.reduce((n, m) => n + 10 - m.length, 0)));
      expect(c.castBody).toBe(sortedJson({ ...b, padding: c.padding }));
      expect(Buffer.byteLength(c.castBody)).toBe(c.castBodyBytes);
      lengths.add(c.castBodyBytes);
      expect(c.sealedPlaintextBytes).toBe(Buffer.byteLength(c.canonical) + c.padding.length);
    }
    expect(lengths.size).toBe(1);
    expect(new Set(v.ballots.map((c: { sealedPlaintextBytes: number }) => c.sealedPlaintextBytes)).size).toBe(1);
  });

  it('record-v2.json: the complete version-2 record verifies, ballot signatures included', async () => {
    const v = JSON.parse(read('record-v2.json'));
    const report = await verifyRecord(v.record, { jwks: v.jwks, randomBytes: seededRandom('vectors') });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.version).toBe(2);
    expect(report.checks.find((c) => c.id === 'ballotSignatures')?.ok).toBe(true);
  });
});

describe('test vectors of the new shapes (issue 15)', () => {
  type Row = { candidateId: string; votes?: number; counts?: { code: string; count: number }[] };
  const closedOf = (record: { entries: { kind: string; body: Record<string, unknown> }[] }) =>
    record.entries.at(-1)!.body as { ballots: { choices: Record<string, Record<string, string>> }[]; tally: { shaped: Record<string, unknown>[] } };

  it('record-recommendation.json verifies, and a naive recount from the raw ballots gives its votes and 无效', async () => {
    const v = JSON.parse(read('record-recommendation.json'));
    const report = await verifyRecord(v.record, { jwks: v.jwks, randomBytes: seededRandom('vectors') });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    const { ballots, tally } = closedOf(v.record);
    const marks = ballots.map((b) =>
      Object.entries(b.choices.R!)
        .filter(([, cell]) => cell === 'recommend')
        .map(([id]) => id),
    );
    const valid = marks.filter((m) => m.length <= 2);
    const t = tally.shaped[0] as { valid: number; invalid: number; candidates: Row[] };
    expect([t.valid, t.invalid]).toEqual([valid.length, marks.length - valid.length]);
    for (const c of t.candidates) expect(c.votes).toBe(valid.filter((m) => m.includes(c.candidateId)).length);
  });

  it('record-slips.json verifies, with 收回 ≤ 发出 ≤ slips issued in the participation check and no issuances', async () => {
    const v = JSON.parse(read('record-slips.json'));
    const report = await verifyRecord(v.record, { jwks: v.jwks, randomBytes: seededRandom('vectors') });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.find((c) => c.id === 'participation')?.ok).toBe(true);
    const closed = v.record.entries.at(-1).body;
    expect([closed.issuances.length, closed.slipTokens.length, closed.ballots.length]).toEqual([0, 5, 5]);
    expect(closed.tally).toMatchObject({ entitled: 7, present: 7, issued: 5, returned: 5 });
  });

  it('record-evaluation.json verifies, and a naive recount gives its per-grade counts', async () => {
    const v = JSON.parse(read('record-evaluation.json'));
    const report = await verifyRecord(v.record, { jwks: v.jwks, randomBytes: seededRandom('vectors') });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    const { ballots, tally } = closedOf(v.record);
    for (const c of (tally.shaped[0] as { candidates: Row[] }).candidates) {
      for (const g of c.counts!) expect(g.count).toBe(ballots.filter((b) => b.choices.E![c.candidateId] === g.code).length);
    }
  });

  it('composite.json: the entry verifies against its three records, and a naive BigInt recomputation gives its values', async () => {
    const v = JSON.parse(read('composite.json'));
    const verified = [];
    for (const s of v.sources)
      verified.push({ record: s.record, report: await verifyRecord(s.record, { jwks: s.jwks, randomBytes: seededRandom('vectors') }) });
    expect(verifyComposite(verified, v.entry).cadres).toEqual(v.entry.body.cadres);
    const body = v.entry.body;
    const points = new Map<string, bigint>(body.points.map((p: { code: string; points: number }) => [p.code, BigInt(p.points)]));
    body.cadres.forEach((cadre: { candidateId: string; score: { num: string; den: string }; excellent: { num: string; den: string } }) => {
      // Σ w_s/100 · x_s/V_s as num/den, compared by cross-multiplication.
      let num = 0n;
      let den = 1n;
      let exNum = 0n;
      let exDen = 1n;
      body.sources.forEach((src: { weight: number }, s: number) => {
        const { ballots } = closedOf(v.sources[s].record);
        const V = BigInt(ballots.length);
        const cells = ballots.map((b) => b.choices.E![cadre.candidateId]!);
        const x = cells.reduce((n, g) => n + (points.get(g) ?? 0n), 0n);
        const ex = BigInt(cells.filter((g) => g === 'excellent').length);
        [num, den] = [num * 100n * V + BigInt(src.weight) * x * den, den * 100n * V];
        [exNum, exDen] = [exNum * 100n * V + BigInt(src.weight) * ex * exDen, exDen * 100n * V];
      });
      expect(num * BigInt(cadre.score.den)).toBe(BigInt(cadre.score.num) * den);
      expect(exNum * BigInt(cadre.excellent.den)).toBe(BigInt(cadre.excellent.num) * exDen);
    });
  });
});
