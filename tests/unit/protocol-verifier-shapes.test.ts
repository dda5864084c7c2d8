// The verifier on records of the new shapes (issue 15): a recommendation and an evaluation vote
// built with the protocol functions alone verify; an altered count, or an over-marked ballot
// counted as valid, fails the recount; and the 三元测评 composite is recomputed from three
// verified evaluation records, refusing altered weights, scores or sources.
import { describe, expect, it } from 'vitest';
import type { AnyChoices } from '../../src/protocol/ballot.ts';
import { hashEntry, makeEntry, type ChainEntry, type VoteRecord } from '../../src/protocol/chain.ts';
import { compositeBody, DEFAULT_POINTS, type CompositeDefinition } from '../../src/protocol/composite.ts';
import type { ProtocolError } from '../../src/protocol/errors.ts';
import type { EvaluationItem, EvaluationTally, RecommendationItem, RecommendationTally } from '../../src/protocol/shapes.ts';
import { computeTally } from '../../src/protocol/tally.ts';
import { verifyRecord, type VerificationCode, type VerificationReport } from '../../src/protocol/verifier.ts';
import { verifyComposite, type VerifiedSource } from '../../src/protocol/verify/composite.ts';
import { graded, marked } from '../helpers/protocol-ballots.ts';
import { buildScenario } from '../../testkit/protocol-scenario.ts';
import { rehash } from '../helpers/records.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const rnd = seededRandom('verifier-shapes');
type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
const verify = (record: unknown, jwks: Parameters<typeof verifyRecord>[1]['jwks']) => verifyRecord(record, { jwks, randomBytes: rnd });
const failed = (r: VerificationReport) => r.checks.filter((c) => !c.ok).map((c) => c.code as VerificationCode);
const closedOf = (record: VoteRecord) => record.entries.at(-1) as Closed;

const REC: RecommendationItem = {
  itemId: 'R',
  shape: 'recommendation',
  post: '县直单位副科级领导职务',
  maxMarks: 2,
  threshold: { comparison: 'more_than', num: 1, den: 2 },
  candidates: ['王芳', '李强', '张伟', '刘洋', '陈静'].map((name, i) => ({ candidateId: `n${i + 1}`, name })),
};
// Cadres in the unit's order, deliberately not in stroke order: an evaluation keeps its order.
const EV: EvaluationItem = {
  itemId: 'E',
  shape: 'evaluation',
  title: '2026 年度科级领导干部民主测评',
  grades: [
    { code: 'excellent', name: '优秀' },
    { code: 'competent', name: '称职' },
    { code: 'adequate', name: '基本称职' },
    { code: 'inadequate', name: '不称职' },
  ],
  candidates: ['陈静', '王芳', '李强'].map((name, i) => ({ candidateId: `k${i + 1}`, name })),
};

// Four voters: n1+n2, n1+n3, n1+n2+n3 (over-marked → 无效), blank.
const recChoices = (i: number): AnyChoices => ({ R: marked(REC, [['n1', 'n2'], ['n1', 'n3'], ['n1', 'n2', 'n3'], []][i]!) });
const rec = await buildScenario('verifier-shapes/rec', { version: 2, memberCount: 5, presentCount: 4, voters: 4, items: [REC], choices: recChoices });

describe('a recommendation (民主推荐) record', () => {
  it('verifies, with the over-marked ballot counted 无效', async () => {
    const report = await verify(rec.record, rec.service.jwks);
    expect(failed(report)).toEqual([]);
    const t = report.tally!.shaped![0] as RecommendationTally;
    expect(t).toMatchObject({ valid: 3, invalid: 1, blank: 1 });
    expect(t.candidates.find((c) => c.candidateId === 'n1')).toMatchObject({ votes: 2, rank: 1, reached: true, rate: { num: 2, den: 3, percent: '66.67' } });
  });

  it('fails candidate_order when the eligible list is not in stroke order', async () => {
    const record = structuredClone(rec.record);
    const created = record.entries.find((e) => e.kind === 'vote.created')!;
    if (created.kind !== 'vote.created') throw new Error('no vote.created');
    created.body.definition.items[0]!.candidates.reverse();
    expect(failed(await verify(rehash(record), rec.service.jwks))).toContain('candidate_order');
  });

  it('fails tally_mismatch when one name’s count is altered', async () => {
    const record = structuredClone(rec.record);
    const t = closedOf(record).body.tally.shaped![0] as RecommendationTally;
    t.candidates[0]!.votes += 1;
    expect(failed(await verify(rehash(record), rec.service.jwks))).toContain('tally_mismatch');
  });

  it('fails tally_mismatch when the over-marked ballot is counted as valid', async () => {
    const record = structuredClone(rec.record);
    const closed = closedOf(record);
    // The tally as a lax counter would make it: k taken as 3, so the over-marked ballot counts.
    const lax = computeTally({ ...rec.definition, items: [{ ...REC, maxMarks: 3 }] }, closed.body.ballots, {
      issued: closed.body.issuances.length,
      present: rec.present.length,
    });
    (lax.shaped![0] as RecommendationTally).maxMarks = 2;
    expect(lax.shaped![0]).toMatchObject({ valid: 4, invalid: 0 });
    closed.body.tally = lax;
    const codes = failed(await verify(rehash(record), rec.service.jwks));
    expect(codes).toContain('tally_mismatch');
  });
});

const gradesOf =
  (rows: string[][]) =>
  (i: number): AnyChoices => ({ E: graded(EV, Object.fromEntries(rows[i]!.map((g, k) => [`k${k + 1}`, g]).filter(([, g]) => g !== '-'))) });
// Three sources, 4 voters each ('-' = 弃权).
const sourceRows = [
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
const sources = await Promise.all(
  sourceRows.map((rows, s) =>
    buildScenario(`verifier-shapes/ev${s}`, {
      version: 2,
      committeeId: `c-ev${s}`,
      voteId: `v-ev${s}`,
      memberCount: 5,
      presentCount: 4,
      voters: 4,
      items: [EV],
      choices: gradesOf(rows),
    }),
  ),
);
const reports = await Promise.all(sources.map((s) => verify(s.record, s.service.jwks)));

describe('an evaluation (民主测评) record', () => {
  it('verifies, with its cadres in the given (not stroke) order', () => {
    expect(failed(reports[0]!)).toEqual([]);
    const t = reports[0]!.tally!.shaped![0] as EvaluationTally;
    expect(t.candidates.map((c) => c.name)).toEqual(['陈静', '王芳', '李强']);
    expect(t.candidates[0]).toMatchObject({ abstain: 1, excellent: { num: 2, den: 4, percent: '50.00' }, competentOrBetter: { num: 3, den: 4 } });
  });

  it('fails tally_mismatch when one grade count is altered', async () => {
    const record = structuredClone(sources[0]!.record);
    (closedOf(record).body.tally.shaped![0] as EvaluationTally).candidates[1]!.counts[3]!.count += 1;
    expect(failed(await verify(rehash(record), sources[0]!.service.jwks))).toContain('tally_mismatch');
  });
});

describe('三元测评 composite', () => {
  const definition: CompositeDefinition = {
    compositeId: 'cmp-1',
    title: '2026 年度科级领导干部三元测评',
    sources: ['单位干部群众测评', '全县领导干部会议述职测评', '分管战线领导综合测评'].map((label, i) => ({
      label,
      committeeId: sources[i]!.record.committeeId,
      voteId: sources[i]!.record.voteId,
      head: reports[i]!.head!,
      weight: [30, 40, 30][i]!,
    })),
    points: [...DEFAULT_POINTS],
  };
  const tallies = reports.map((r) => r.tally!.shaped![0] as EvaluationTally);
  const entry = makeEntry(null, 'c-org', 'composite.published', compositeBody(definition, tallies, 'p-secretary'));
  const verified = sources.map((s, i) => ({ record: s.record, report: reports[i]! }));
  const refusal = (entryValue: unknown, given: readonly VerifiedSource[] = verified) => {
    try {
      verifyComposite(given, entryValue);
    } catch (e) {
      return { code: (e as ProtocolError).code, zh: (e as ProtocolError).messageZh };
    }
    return null;
  };
  const withBody = (mutate: (b: typeof entry.body) => void) => {
    const b = structuredClone(entry.body);
    mutate(b);
    // Hashed by hand: makeEntry itself refuses a malformed body.
    const unhashed = { committeeId: entry.committeeId, seq: entry.seq, prev: entry.prev, kind: entry.kind, body: b };
    return { ...unhashed, hash: hashEntry(unhashed) };
  };

  it('recomputes the published composite from the three verified records (worked by hand for 陈静)', () => {
    // 陈静: source 0 优秀 2/4, 称职以上 3/4, 不称职 0, points (100+100+80)/4 = 70;
    // source 1 优秀 2/4, 称职以上 3/4, 不称职 0, (100+80+100+60)/4 = 85; source 2 优秀 3/4, 称职以上 1, 不称职 0, (300+80)/4 = 95.
    // 优秀率 .3·.5 + .4·.5 + .3·.75 = .575; 称职以上率 .3·.75 + .4·.75 + .3·1 = .825; score .3·70 + .4·85 + .3·95 = 83.5.
    const body = verifyComposite(verified, entry);
    expect(body.cadres[0]).toMatchObject({
      name: '陈静',
      excellent: { num: '23', den: '40', percent: '57.50' },
      competentOrBetter: { num: '33', den: '40', percent: '82.50' },
      inadequate: { num: '0', den: '1', percent: '0.00' },
      score: { num: '167', den: '2', value: '83.50' },
    });
  });

  it('refuses altered weights (still summing to 100) with composite_mismatch', () => {
    const r = refusal(withBody((b) => ((b.sources[0]!.weight = 40), (b.sources[1]!.weight = 30))));
    expect(r?.code).toBe('composite_mismatch');
    expect(r?.zh).toMatch(/干部 #0（陈静）/);
  });

  it('refuses weights that do not sum to 100 as a malformed entry', () => {
    expect(refusal(withBody((b) => (b.sources[0]!.weight = 31)))?.code).toBe('invalid_entry');
  });

  it('refuses an altered score with composite_mismatch naming 综合得分', () => {
    const r = refusal(withBody((b) => (b.cadres[1]!.score = { num: '90', den: '1', value: '90.00' })));
    expect(r).toMatchObject({ code: 'composite_mismatch' });
    expect(r!.zh).toContain('综合得分');
  });

  it('refuses an altered hash, a source head other than the verified one, or a source that did not verify', () => {
    expect(refusal({ ...entry, hash: '0'.repeat(64) })?.code).toBe('invalid_entry');
    expect(refusal(withBody((b) => (b.sources[2]!.head = { ...b.sources[2]!.head, seq: b.sources[2]!.head.seq - 1 })))?.code).toBe('invalid_composite');
    const unverified = verified.map((v, i) => (i === 1 ? { ...v, report: { ...v.report, ok: false } } : v));
    expect(refusal(entry, unverified)?.code).toBe('invalid_composite');
    expect(refusal(entry, [verified[1]!, verified[0]!, verified[2]!])?.code).toBe('invalid_composite');
  });

  it('refuses sources that are not evaluations or list other cadres', () => {
    const recSource = { record: rec.record, report: { ok: true, head: { seq: 0, hash: '0'.repeat(64) }, tally: null } };
    expect(refusal(entry, [recSource, verified[1]!, verified[2]!])?.code).toBe('invalid_composite');
    const other = structuredClone(tallies);
    other[2]!.candidates[2]!.name = '赵六';
    expect(() => compositeBody(definition, other, 'p-secretary')).toThrow(/same cadres/);
  });
});
