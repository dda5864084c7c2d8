// Properties of the 民主推荐 and 民主测评 counting rules (issue 15): the tally does not depend on
// the ballots' order and keeps its sums; the verifier accepts the tally it would compute and
// refuses any single altered count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyChoices } from '../../src/protocol/ballot.ts';
import type { ChainEntry } from '../../src/protocol/chain.ts';
import { computeComposite, DEFAULT_POINTS } from '../../src/protocol/composite.ts';
import { bytesToHex, canonicalBytes } from '../../src/protocol/encoding.ts';
import type { EvaluationTally, RecommendationTally, ShapedItem } from '../../src/protocol/shapes.ts';
import { computeTally } from '../../src/protocol/tally.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import { evaluation, fakeBallotV2, graded, marked, recommendation, shapedDefinition } from '../helpers/protocol-ballots.ts';
import { buildScenario } from '../../testkit/protocol-scenario.ts';
import { rehash } from '../helpers/records.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const canon = (v: unknown) => bytesToHex(canonicalBytes(v));
const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const rec = recommendation('R', 3, ids, { comparison: 'at_least', num: 1, den: 3 });
const ev = evaluation('E', ids.slice(0, 4));
const GRADE = fc.constantFrom('excellent', 'competent', 'adequate', 'inadequate', '-');

const recBallot = fc.subarray(ids).map((m): AnyChoices => ({ R: marked(rec, m) }));
const evBallot = fc
  .array(GRADE, { minLength: 4, maxLength: 4 })
  .map((gs): AnyChoices => ({ E: graded(ev, Object.fromEntries(gs.flatMap((g, k) => (g === '-' ? [] : [[ids[k]!, g]])))) }));

function shuffled<T>(arb: fc.Arbitrary<T[]>) {
  return arb.chain((cs) =>
    fc.tuple(
      fc.constant(cs),
      fc.shuffledSubarray(
        cs.map((_, i) => i),
        { minLength: cs.length, maxLength: cs.length },
      ),
    ),
  );
}

function orderIndependent(item: ShapedItem, ballot: fc.Arbitrary<AnyChoices>) {
  const def = shapedDefinition(item);
  fc.assert(
    fc.property(shuffled(fc.array(ballot, { maxLength: 30 })), ([cs, order]) => {
      const bs = cs.map((c, i) => fakeBallotV2('v-1', i, c));
      const turnout = { issued: bs.length, present: bs.length };
      expect(
        canon(
          computeTally(
            def,
            order.map((i) => bs[i]!),
            turnout,
          ),
        ),
      ).toBe(canon(computeTally(def, bs, turnout)));
    }),
    { numRuns: 150 },
  );
}

describe('民主推荐 tally (property)', () => {
  it('does not depend on the order of the ballots', () => orderIndependent(rec, recBallot));

  it('valid + invalid = returned; no valid ballot marks more than k; ranks follow votes', () => {
    const def = shapedDefinition(rec);
    fc.assert(
      fc.property(fc.array(recBallot, { maxLength: 30 }), (cs) => {
        const t = computeTally(
          def,
          cs.map((c, i) => fakeBallotV2('v-1', i, c)),
          { issued: cs.length, present: cs.length },
        ).shaped![0] as RecommendationTally;
        expect(t.valid + t.invalid).toBe(cs.length);
        expect(t.invalid).toBe(cs.filter((c) => Object.values(c.R!).filter((x) => x === 'recommend').length > rec.maxMarks).length);
        expect(t.candidates.reduce((n, c) => n + c.votes, 0)).toBeLessThanOrEqual(rec.maxMarks * t.valid);
        for (const x of t.candidates) {
          for (const y of t.candidates) if (x.votes > y.votes) expect(x.rank).toBeLessThan(y.rank);
          expect(x.rank).toBe(1 + t.candidates.filter((y) => y.votes > x.votes).length);
          expect(x.reached).toBe(t.valid > 0 && 3 * x.votes >= t.valid);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('民主测评 tally (property)', () => {
  it('does not depend on the order of the ballots', () => orderIndependent(ev, evBallot));

  it('for every cadre the grades and abstentions add up to the valid ballots', () => {
    const def = shapedDefinition(ev);
    fc.assert(
      fc.property(fc.array(evBallot, { maxLength: 30 }), (cs) => {
        const t = computeTally(
          def,
          cs.map((c, i) => fakeBallotV2('v-1', i, c)),
          { issued: cs.length, present: cs.length },
        ).shaped![0] as EvaluationTally;
        expect(t.valid).toBe(cs.length);
        for (const c of t.candidates) {
          expect(c.counts.reduce((n, g) => n + g.count, 0) + c.abstain).toBe(t.valid);
          expect(c.excellent.num).toBeLessThanOrEqual(c.competentOrBetter.num);
        }
      }),
      { numRuns: 200 },
    );
  });
});

const recScenario = await buildScenario('property-shapes/rec', {
  version: 2,
  memberCount: 5,
  presentCount: 5,
  voters: 5,
  items: [{ ...rec, candidates: ['王芳', '李强', '张伟', '刘洋', '陈静', '赵丽'].map((name, i) => ({ candidateId: ids[i]!, name })) }],
  choices: (i) => ({ R: marked(rec, [['a', 'b'], ['a', 'c', 'd'], ['a', 'b', 'c', 'd'], [], ['f']][i]!) }),
});

describe('the verifier on shaped records (property)', () => {
  type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
  const rnd = seededRandom('property-shapes');

  it('accepts the record as built (its tally is what computeTally gives)', async () => {
    const report = await verifyRecord(recScenario.record, { jwks: recScenario.service.jwks, randomBytes: rnd });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('refuses any single altered count with tally_mismatch', async () => {
    const t0 = (recScenario.record.entries.at(-1) as Closed).body.tally.shaped![0] as RecommendationTally;
    const fields = ['votes', 'rank', 'valid', 'invalid', 'blank'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(t0.candidates.length - 1),
        fc.constantFrom(...fields),
        fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
        async (k, field, delta) => {
          const record = structuredClone(recScenario.record);
          const t = (record.entries.at(-1) as Closed).body.tally.shaped![0] as RecommendationTally;
          if (field === 'votes' || field === 'rank') t.candidates[k]![field] += delta;
          else t[field] += delta;
          const report = await verifyRecord(rehash(record), { jwks: recScenario.service.jwks, randomBytes: rnd });
          expect(report.checks.find((c) => c.id === 'tally')?.code).toBe('tally_mismatch');
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('三元测评 composite (property)', () => {
  const weights = fc
    .tuple(fc.integer({ min: 1, max: 98 }), fc.integer({ min: 1, max: 98 }))
    .filter(([a, b]) => a + b < 100)
    .map(([a, b]) => [a, b, 100 - a - b]);
  const tallyOf = (cs: AnyChoices[]) =>
    computeTally(
      shapedDefinition(ev),
      cs.map((c, i) => fakeBallotV2('v-1', i, c)),
      { issued: cs.length, present: cs.length },
    ).shaped![0] as EvaluationTally;
  const defWith = (w: number[]) => ({
    compositeId: 'c',
    title: 't',
    sources: w.map((weight, i) => ({ label: `s${i}`, committeeId: 'c-1', voteId: `v-${i}`, head: { seq: 1, hash: '0'.repeat(64) }, weight })),
    points: [...DEFAULT_POINTS],
  });

  it('three identical sources give each source’s own rates, whatever the weights', () => {
    fc.assert(
      fc.property(fc.array(evBallot, { minLength: 1, maxLength: 20 }), weights, (cs, w) => {
        const t = tallyOf(cs);
        const composite = computeComposite(defWith(w), [t, t, t]);
        composite.forEach((c, k) => {
          const own = t.candidates[k]!;
          expect(BigInt(c.excellent.num) * BigInt(own.excellent.den)).toBe(BigInt(own.excellent.num) * BigInt(c.excellent.den));
          expect(c.competentOrBetter.percent).toBe(own.competentOrBetter.percent);
          expect(c.inadequate.percent).toBe(own.inadequate.percent);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('lies between the smallest and largest source rate', () => {
    fc.assert(
      fc.property(fc.tuple(...[0, 1, 2].map(() => fc.array(evBallot, { minLength: 1, maxLength: 12 }))), weights, (sources, w) => {
        const ts = sources.map(tallyOf);
        computeComposite(defWith(w), ts).forEach((c, k) => {
          const value = Number(c.competentOrBetter.num) / Number(c.competentOrBetter.den);
          const own = ts.map((t) => t.candidates[k]!.competentOrBetter).map((r) => r.num / r.den);
          expect(value).toBeGreaterThanOrEqual(Math.min(...own) - 1e-12);
          expect(value).toBeLessThanOrEqual(Math.max(...own) + 1e-12);
        });
      }),
      { numRuns: 100 },
    );
  });
});
