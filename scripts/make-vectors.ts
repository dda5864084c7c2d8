// Writes tests/vectors/*.json from fixed seeds. Run: npx tsx scripts/make-vectors.ts
// tests/unit/protocol-vectors.test.ts regenerates them and compares byte for byte, and checks
// each against an independent computation where one is at hand.
import { ballotHash, type Ballot } from '../src/protocol/ballot.ts';
import { makeEntry, type ChainEntry } from '../src/protocol/chain.ts';
import { bytesToHex, canonicalBytes, toBase64url } from '../src/protocol/encoding.ts';
import { blindToken, generateVoteKey, hashToken, randomBlindingScalar, signBlinded, TOKEN_DST, tokenMessage, unblind } from '../src/protocol/tokens.ts';
import { buildScenario, MARKS_3, RULES } from '../tests/support/protocol-scenario.ts';
import { seededRandom } from '../tests/support/seeded-random.ts';

const decoder = new TextDecoder();

export async function makeVectors(): Promise<Record<string, unknown>> {
  const h2c = {
    description: 'RFC 9380 hash_to_curve to BLS12-381 G1 (SHA-256, SSWU, random oracle) over utf8(voteId) ‖ t; points are 48-byte compressed (ZCash), hex',
    dst: TOKEN_DST,
    cases: [
      { voteId: 'v-1', t: new Uint8Array(32) },
      { voteId: 'v-1', t: seededRandom('vector/h2c/1')(32) },
      { voteId: '表决-2024-01', t: seededRandom('vector/h2c/2')(32) },
    ].map(({ voteId, t }) => ({ voteId, t: bytesToHex(t), msg: bytesToHex(tokenMessage(voteId, t)), point: bytesToHex(hashToken(voteId, t)) })),
  };

  const rnd = seededRandom('vector/blind');
  const key = generateVoteKey(rnd);
  const blind = {
    description: 'Blind BLS: B = r·H(voteId, t); S\' = sk·B; S = r⁻¹·S\' = sk·H. Scalars 32-byte big-endian, G1 48-byte and G2 96-byte compressed, hex',
    cases: ['v-1', 'v-2'].map((voteId) => {
      const t = rnd(32);
      const r = randomBlindingScalar(rnd);
      const blindedPoint = blindToken(voteId, t, r);
      const blindSignature = signBlinded(key.secretKey, blindedPoint);
      return {
        voteId,
        secretKey: bytesToHex(key.secretKey),
        publicKey: bytesToHex(key.publicKey),
        t: bytesToHex(t),
        r: bytesToHex(r),
        hashedToken: bytesToHex(hashToken(voteId, t)),
        blindedPoint: bytesToHex(blindedPoint),
        blindSignature: bytesToHex(blindSignature),
        signature: bytesToHex(unblind(blindSignature, r)),
      };
    }),
  };

  const ballotRnd = seededRandom('vector/ballot');
  const ballot: Ballot = {
    voteId: 'v-1',
    t: toBase64url(ballotRnd(32)),
    signature: toBase64url(hashToken('v-1', new Uint8Array(32))),
    choices: { B: { b2: 'approve', b1: 'disapprove', b3: 'abstain' }, A: { a1: 'approve' } },
  };
  const ballotVector = {
    description: 'ballotHash = lower-case hex SHA-256 over RFC 8785 canonical JSON of { voteId, t, signature, choices }',
    ballot,
    canonical: decoder.decode(canonicalBytes(ballot)),
    hash: ballotHash(ballot),
  };

  const entries: ChainEntry[] = [];
  entries.push(makeEntry(null, 'c-1', 'committee.created', { name: '县委常委会', kind: 'standing', rules: RULES, marks: MARKS_3 }));
  entries.push(
    makeEntry(entries.at(-1)!, 'c-1', 'roster.changed', {
      members: [
        { memberId: 'm-01', name: '王芳', votingRight: true, active: true },
        { memberId: 'm-02', name: '于明', votingRight: true, active: true },
        { memberId: 'm-03', name: '万里', votingRight: false, active: true },
      ],
    }),
  );
  entries.push(makeEntry(entries.at(-1)!, 'c-1', 'attendance.recorded', { meetingId: 'mt-1', present: ['m-01', 'm-02'], entitled: 2 }));
  const chain = {
    description: 'hash = hex SHA-256 over RFC 8785 canonical JSON of { committeeId, seq, prev, kind, body }; prev of seq 0 is 64 zeros',
    entries: entries.map((e) => ({ entry: e, canonical: decoder.decode(canonicalBytes({ committeeId: e.committeeId, seq: e.seq, prev: e.prev, kind: e.kind, body: e.body })) })),
  };

  const scenario = await buildScenario('vector/record', { memberCount: 5, presentCount: 4, voters: 3 });
  const record = {
    description: 'A complete record: 5 members, 4 present, 4 tokens issued, 3 ballots (one over-marked in item B); verifies with the JWKS',
    jwks: scenario.service.jwks,
    record: scenario.record,
  };

  return { 'h2c.json': h2c, 'blind.json': blind, 'ballot.json': ballotVector, 'chain.json': chain, 'record.json': record };
}

export function serialise(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const dir = new URL('../tests/vectors/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(await makeVectors())) {
    writeFileSync(new URL(name, dir), serialise(value));
    console.log(`wrote tests/vectors/${name}`);
  }
}
