// Writes tests/vectors/*.json from fixed seeds. Run: npx tsx scripts/make-vectors.ts
// tests/unit/protocol-vectors.test.ts regenerates them and compares byte for byte, and checks
// each against an independent computation where one is at hand.
import { ballotHash, type Ballot } from '../src/protocol/ballot.ts';
import { makeEntry, type ChainEntry } from '../src/protocol/chain.ts';
import { bytesToHex, canonicalBytes, fromBase64url, toBase64url } from '../src/protocol/encoding.ts';
import {
  blindToken,
  generateVoteKey,
  hashToken,
  randomBlindingScalar,
  signBlinded,
  TOKEN_DST,
  TOKEN_DST_V2,
  tokenMessage,
  unblind,
} from '../src/protocol/tokens.ts';
import { ballotMessage, ballotPadding, castBodyText, generateBallotKey, sealedBallotText } from '../src/protocol/ballot-v2.ts';
import { buildBallot, createTokenRequest, finishToken, type TokenRequestV2 } from '../src/protocol/member-ballot.ts';
import { buildScenario, MARKS_3, RULES } from '../testkit/protocol-scenario.ts';
import { seededRandom } from '../testkit/seeded-random.ts';
import type { AnyChoices } from '../src/protocol/ballot.ts';
import { compositeBody, DEFAULT_POINTS } from '../src/protocol/composite.ts';
import { DEFAULT_GRADES, type EvaluationItem, type EvaluationTally, type RecommendationItem } from '../src/protocol/shapes.ts';

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
    description: "Blind BLS: B = r·H(voteId, t); S' = sk·B; S = r⁻¹·S' = sk·H. Scalars 32-byte big-endian, G1 48-byte and G2 96-byte compressed, hex",
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
    entries: entries.map((e) => ({
      entry: e,
      canonical: decoder.decode(canonicalBytes({ committeeId: e.committeeId, seq: e.seq, prev: e.prev, kind: e.kind, body: e.body })),
    })),
  };

  const scenario = await buildScenario('vector/record', { memberCount: 5, presentCount: 4, voters: 3 });
  const record = {
    description: 'A complete record: 5 members, 4 present, 4 tokens issued, 3 ballots (one over-marked in item B); verifies with the JWKS',
    jwks: scenario.service.jwks,
    record: scenario.record,
  };

  // Version 2 (the one-time ballot key bound to the token, marks signed, equal lengths).
  const v2Rnd = seededRandom('vector/v2/token');
  const v2Key = generateVoteKey(v2Rnd);
  const tokenV2 = {
    description:
      'Version 2 tokens: the device draws a one-time Ed25519 key (RFC 8032; secretKey is the 32-byte seed); msg = utf8(voteId) ‖ ballotPublicKey; ' +
      "H = hash_to_curve(msg) under the V2 DST (RFC 9380, BLS12381G1_XMD:SHA-256_SSWU_RO_); B = r·H; S' = sk·B; S = r⁻¹·S' = sk·H. Hex",
    dst: TOKEN_DST_V2,
    cases: ['v-1', '表决-2024-01'].map((voteId) => {
      const ballotKey = generateBallotKey(v2Rnd);
      const r = randomBlindingScalar(v2Rnd);
      const blindedPoint = blindToken(voteId, ballotKey.publicKey, r, 2);
      const blindSignature = signBlinded(v2Key.secretKey, blindedPoint);
      return {
        voteId,
        voteSecretKey: bytesToHex(v2Key.secretKey),
        votePublicKey: bytesToHex(v2Key.publicKey),
        ballotSecretKey: bytesToHex(ballotKey.secretKey),
        ballotPublicKey: bytesToHex(ballotKey.publicKey),
        msg: bytesToHex(tokenMessage(voteId, ballotKey.publicKey)),
        hashedToken: bytesToHex(hashToken(voteId, ballotKey.publicKey, 2)),
        r: bytesToHex(r),
        blindedPoint: bytesToHex(blindedPoint),
        blindSignature: bytesToHex(blindSignature),
        signature: bytesToHex(unblind(blindSignature, r)),
      };
    }),
  };

  const ballotV2Rnd = seededRandom('vector/v2/ballot');
  const ballotV2Key = generateVoteKey(ballotV2Rnd);
  const request = createTokenRequest('v-1', ballotV2Rnd, 2) as TokenRequestV2;
  const tokenForBallot = finishToken(
    request,
    toBase64url(signBlinded(ballotV2Key.secretKey, fromBase64url(request.blindedPoint))),
    toBase64url(ballotV2Key.publicKey),
  );
  const ballotsV2 = [
    { B: { b2: 'approve', b1: 'disapprove', b3: 'abstain' }, A: { a1: 'approve' } },
    { B: { b1: 'disapprove', b2: 'disapprove', b3: 'disapprove' }, A: { a1: 'disapprove' } },
  ].map((choices) => {
    const b = buildBallot(tokenForBallot, choices);
    const body = castBodyText(b);
    return {
      ballot: b,
      signedMessage: decoder.decode(ballotMessage(b.voteId, b.choices)),
      canonical: decoder.decode(canonicalBytes(b)),
      hash: ballotHash(b),
      padding: ballotPadding(b.choices),
      castBody: body,
      castBodyBytes: new TextEncoder().encode(body).length,
      sealedPlaintextBytes: new TextEncoder().encode(sealedBallotText(b)).length,
    };
  });
  const ballotV2 = {
    description:
      'Version 2 ballots: ballotSignature = Ed25519 by ballotPublicKey over signedMessage = JCS({ choices, purpose: "piaojue/v2/ballot", voteId }); ' +
      'hash = SHA-256 of JCS of the five fields; the cast body is JCS of the ballot plus padding = "0" × Σ(10 − length of each mark), so both ballots have one length',
    votePublicKey: toBase64url(ballotV2Key.publicKey),
    ballots: ballotsV2,
  };

  const scenarioV2 = await buildScenario('vector/record-v2', { memberCount: 5, presentCount: 4, voters: 3, version: 2 });
  const recordV2 = {
    description: 'A complete version-2 record: 5 members, 4 present, 4 tokens issued, 3 signed ballots (one over-marked in item B); verifies with the JWKS',
    jwks: scenarioV2.service.jwks,
    record: scenarioV2.record,
  };

  // Issue 15: a 民主推荐 and a 民主测评 record, and a 三元测评 composite over three evaluations.
  const recommendationItem: RecommendationItem = {
    itemId: 'R',
    shape: 'recommendation',
    post: '县直单位副科级领导职务（非定位推荐）',
    maxMarks: 2,
    threshold: { comparison: 'at_least', num: 1, den: 3 },
    candidates: ['王芳', '于明', '万里', '李强', '张伟', '刘洋'].map((name, i) => ({ candidateId: `n${i + 1}`, name })),
  };
  const recMarks = [['n1', 'n2'], ['n1', 'n4'], ['n1', 'n2', 'n3'], [], ['n2', 'n1']];
  const recScenario = await buildScenario('vector/recommendation', {
    version: 2,
    memberCount: 5,
    presentCount: 5,
    voters: 5,
    voteId: 'v-rec',
    items: [recommendationItem],
    choices: (i): AnyChoices => ({
      R: Object.fromEntries(recommendationItem.candidates.map((c) => [c.candidateId, recMarks[i]!.includes(c.candidateId) ? 'recommend' : 'blank'])),
    }),
  });
  const recordRecommendation = {
    description:
      'A version-2 民主推荐 record: 6 eligible names, k = 2, threshold at least 1/3; 5 ballots, one over-marked (无效) and one blank; verifies with the JWKS',
    jwks: recScenario.service.jwks,
    record: recScenario.record,
  };
  // A 民主推荐 at a meeting of participants holding slips (§15.7): 7 slips issued (应到 7), 5 tokens, 4 ballots.
  const slipsScenario = await buildScenario('vector/slips', {
    version: 2,
    memberCount: 3,
    presentCount: 2,
    voters: 5,
    slips: 7,
    voteId: 'v-slips',
    items: [recommendationItem],
    choices: (i): AnyChoices => ({
      R: Object.fromEntries(recommendationItem.candidates.map((c) => [c.candidateId, recMarks[i]!.includes(c.candidateId) ? 'recommend' : 'blank'])),
    }),
  });
  const recordSlips = {
    description:
      'A version-2 民主推荐 record of a meeting of participants holding slips: a slips.issued entry (7 slips = 实到, 应到 7) before the vote, ' +
      'the close with slipTokens (5 blinded points, ascending) and no issuances, 5 ballots published by a recorded decision (no device confirms), ' +
      'two committee members as inspectors; verifies with the JWKS, the participation check included',
    jwks: slipsScenario.service.jwks,
    record: slipsScenario.record,
  };
  const evaluationItem: EvaluationItem = {
    itemId: 'E',
    shape: 'evaluation',
    title: '2026 年度科级领导干部民主测评',
    grades: [...DEFAULT_GRADES],
    candidates: ['陈静', '王芳', '李强'].map((name, i) => ({ candidateId: `k${i + 1}`, name })),
  };
  const evChoices =
    (rows: string[][]) =>
    (i: number): AnyChoices => ({
      E: Object.fromEntries(evaluationItem.candidates.map((c, k) => [c.candidateId, rows[i]![k] === '-' ? 'abstain' : rows[i]![k]!])),
    });
  const evRows = [
    [
      ['excellent', 'competent', 'inadequate'],
      ['excellent', 'excellent', '-'],
      ['competent', 'adequate', 'inadequate'],
      ['-', '-', '-'],
    ],
    [
      ['excellent', 'competent', 'competent'],
      ['competent', 'competent', 'competent'],
      ['excellent', 'inadequate', 'adequate'],
      ['adequate', 'competent', 'excellent'],
    ],
    [
      ['excellent', 'excellent', 'excellent'],
      ['excellent', 'competent', 'adequate'],
      ['excellent', 'competent', 'adequate'],
      ['competent', '-', 'inadequate'],
    ],
  ];
  const evScenarios: Awaited<ReturnType<typeof buildScenario>>[] = [];
  for (const [s, rows] of evRows.entries()) {
    evScenarios.push(
      await buildScenario(`vector/evaluation/${s}`, {
        version: 2,
        memberCount: 4,
        presentCount: 4,
        voters: 4,
        committeeId: `c-ev${s}`,
        voteId: `v-ev${s}`,
        items: [evaluationItem],
        choices: evChoices(rows),
      }),
    );
  }
  const recordEvaluation = {
    description:
      'A version-2 民主测评 record: 3 cadres (in the unit’s order), grades 优秀/称职/基本称职/不称职, 4 ballots, one grading nobody (valid, 弃权 on each); verifies with the JWKS',
    jwks: evScenarios[0]!.service.jwks,
    record: evScenarios[0]!.record,
  };
  const tallyOf = (record: (typeof evScenarios)[number]['record']) => {
    const closed = record.entries.at(-1)!;
    return (closed.kind === 'vote.closed' ? closed.body.tally.shaped![0] : undefined) as EvaluationTally;
  };
  const compositeDefinition = {
    compositeId: 'cmp-2026',
    title: '2026 年度科级领导干部三元测评',
    sources: ['单位干部群众测评', '全县领导干部会议述职测评', '分管战线领导综合测评'].map((label, i) => ({
      label,
      committeeId: evScenarios[i]!.record.committeeId,
      voteId: evScenarios[i]!.record.voteId,
      head: evScenarios[i]!.record.head,
      weight: [30, 40, 30][i]!,
    })),
    points: [...DEFAULT_POINTS],
  };
  const composite = {
    description:
      '三元测评: the composite.published entry over three evaluation records (weights 30/40/30, points 100/80/60/0). Per cadre, ' +
      'rate = Σ w/100 · count/valid and score = Σ w/100 · Σ points·count/valid, exact reduced fractions (decimal strings) with two decimals rounded half up',
    sources: evScenarios.map((s) => ({ jwks: s.service.jwks, record: s.record })),
    entry: makeEntry(
      null,
      'c-org',
      'composite.published',
      compositeBody(
        compositeDefinition,
        evScenarios.map((s) => tallyOf(s.record)),
        'p-secretary',
      ),
    ),
  };

  return {
    'record-recommendation.json': recordRecommendation,
    'record-evaluation.json': recordEvaluation,
    'record-slips.json': recordSlips,
    'composite.json': composite,
    'h2c.json': h2c,
    'blind.json': blind,
    'ballot.json': ballotVector,
    'chain.json': chain,
    'record.json': record,
    'token-v2.json': tokenV2,
    'ballot-v2.json': ballotV2,
    'record-v2.json': recordV2,
  };
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
