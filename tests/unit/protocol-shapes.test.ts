// 民主推荐 and 民主测评 (issue 15): definitions, ballots and counting, against results worked out by hand.
import { describe, expect, it } from 'vitest';
import { overMarkedItems, parseVoteDefinition, validateBallot } from '../../src/protocol/ballot.ts';
import { ballotPadding, castBodyText } from '../../src/protocol/ballot-v2.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { percentText } from '../../src/protocol/rational.ts';
import {
  competitionRanks,
  evaluationRows,
  reachesThreshold,
  recommendationByRank,
  thresholdZh,
  type EvaluationTally,
  type RecommendationTally,
  type Threshold,
} from '../../src/protocol/shapes.ts';
import { MARK_WIDTH } from '../../src/protocol/ballot-v2.ts';
import { GRADE_CODE_MAX } from '../../src/protocol/limits.ts';
import { computeTally } from '../../src/protocol/tally.ts';
import { definitionWith, evaluation, fakeBallotV2, graded, item, marked, recommendation, shapedDefinition } from '../helpers/protocol-ballots.ts';
import { protocolErrorCode } from '../helpers/records.ts';

const turnout = (n: number) => ({ issued: n, present: n });

describe('民主推荐 (recommendation) counting', () => {
  const rec = recommendation('R', 2, ['a', 'b', 'c', 'd', 'e']);
  const ballots = [['a', 'b'], ['a', 'c'], ['a', 'b'], ['b'], [], ['a', 'b', 'c'], ['c', 'd']];
  const tallyWith = (threshold: Threshold) => {
    const def = shapedDefinition({ ...rec, threshold });
    return computeTally(
      def,
      ballots.map((ids, i) => fakeBallotV2('v-1', i, { R: marked(rec, ids) })),
      turnout(7),
    ).shaped![0] as RecommendationTally;
  };

  it('counts votes, 得票率 over valid ballots, competition ranks; an over-marked ballot is 无效 and a blank one valid', () => {
    // 7 returned; ballot 6 marks 3 of k = 2 → 无效; ballot 5 is blank (valid). Valid = 6.
    // a: 3, b: 3, c: 2 (the over-marked ballot's c does not count), d: 1, e: 0.
    const t = tallyWith({ comparison: 'more_than', num: 1, den: 2 });
    expect(t).toMatchObject({ shape: 'recommendation', maxMarks: 2, valid: 6, invalid: 1, blank: 1 });
    expect(t.candidates.map((c) => [c.candidateId, c.votes, c.rate.num, c.rate.den, c.rate.percent, c.rank])).toEqual([
      ['a', 3, 3, 6, '50.00', 1],
      ['b', 3, 3, 6, '50.00', 1],
      ['c', 2, 2, 6, '33.33', 3],
      ['d', 1, 1, 6, '16.67', 4],
      ['e', 0, 0, 6, '0.00', 5],
    ]);
  });

  it('exactly half is not more than half: 3 of 6 does not reach 过半数', () => {
    expect(tallyWith({ comparison: 'more_than', num: 1, den: 2 }).candidates.map((c) => c.reached)).toEqual([false, false, false, false, false]);
  });

  it('exactly half reaches "at least half"', () => {
    expect(tallyWith({ comparison: 'at_least', num: 1, den: 2 }).candidates.map((c) => c.reached)).toEqual([true, true, false, false, false]);
  });

  it('exactly one third (2 of 6) reaches "at least one third" but not "more than one third"', () => {
    expect(tallyWith({ comparison: 'at_least', num: 1, den: 3 }).candidates.map((c) => c.reached)).toEqual([true, true, true, false, false]);
    expect(tallyWith({ comparison: 'more_than', num: 1, den: 3 }).candidates.map((c) => c.reached)).toEqual([true, true, false, false, false]);
  });

  it('all-blank ballots are valid: every name 0 votes, 0.00 %, rank 1, none reaches', () => {
    const def = shapedDefinition(rec);
    const t = computeTally(
      def,
      [0, 1, 2].map((i) => fakeBallotV2('v-1', i, { R: marked(rec, []) })),
      turnout(3),
    ).shaped![0] as RecommendationTally;
    expect(t).toMatchObject({ valid: 3, invalid: 0, blank: 3 });
    expect(t.candidates.every((c) => c.votes === 0 && c.rate.percent === '0.00' && c.rank === 1 && !c.reached)).toBe(true);
  });

  it('with no valid ballot there is no 得票率 and nobody reaches even an "at least" threshold', () => {
    const def = shapedDefinition({ ...rec, threshold: { comparison: 'at_least', num: 1, den: 3 } });
    const t = computeTally(def, [fakeBallotV2('v-1', 0, { R: marked(rec, ['a', 'b', 'c']) })], turnout(1)).shaped![0] as RecommendationTally;
    expect(t).toMatchObject({ valid: 0, invalid: 1, blank: 0 });
    expect(t.candidates[0]).toMatchObject({ votes: 0, rate: { num: 0, den: 0, percent: null }, reached: false });
    expect(reachesThreshold(0, 0, { comparison: 'at_least', num: 1, den: 3 })).toBe(false);
  });

  it('a committee vote tally carries no `shaped` member (its bytes are unchanged)', () => {
    const t = computeTally(definitionWith([item('A', 1, ['a1'])]), [], turnout(0));
    expect('shaped' in t).toBe(false);
    expect(t.items).toHaveLength(1);
  });

  it('a shaped vote has no committee items in the tally', () => {
    expect(tallyWith({ comparison: 'more_than', num: 1, den: 2 })).toBeDefined();
    const t = computeTally(shapedDefinition(rec), [], turnout(0));
    expect(t.items).toEqual([]);
    expect(t.shaped).toHaveLength(1);
  });

  it('names the over-marked item for the client warning', () => {
    const def = shapedDefinition(rec);
    expect(overMarkedItems(def, { R: marked(rec, ['a', 'b', 'c']) })).toEqual(['R']);
    expect(overMarkedItems(def, { R: marked(rec, ['a', 'b']) })).toEqual([]);
  });

  it('lists the names by rank for the sheet, ties in list order, and states the threshold', () => {
    const t = tallyWith({ comparison: 'more_than', num: 1, den: 2 });
    expect(recommendationByRank({ candidates: [...t.candidates].reverse() }).map((c) => c.candidateId)).toEqual(['b', 'a', 'c', 'd', 'e']);
    expect(thresholdZh({ comparison: 'more_than', num: 1, den: 2 })).toBe('过半数');
    expect(thresholdZh({ comparison: 'at_least', num: 1, den: 3 })).toBe('达到 1/3 及以上');
    expect(thresholdZh({ comparison: 'more_than', num: 2, den: 3 })).toBe('超过 2/3');
  });

  it('ranks by competition ranking 1, 2, 2, 4', () => {
    expect(competitionRanks([5, 3, 3, 1])).toEqual([1, 2, 2, 4]);
    expect(competitionRanks([2, 2, 2])).toEqual([1, 1, 1]);
  });
});

describe('民主测评 (evaluation) counting', () => {
  const ev = evaluation('E', ['x', 'y', 'z']);
  const cells: Record<string, string>[] = [
    { x: 'excellent', y: 'competent', z: 'adequate' },
    { x: 'excellent', y: 'excellent', z: 'inadequate' },
    { x: 'competent', z: 'inadequate' },
    {},
    { x: 'inadequate', y: 'competent', z: 'competent' },
  ];
  const t = computeTally(
    shapedDefinition(ev),
    cells.map((g, i) => fakeBallotV2('v-1', i, { E: graded(ev, g) })),
    turnout(5),
  ).shaped![0] as EvaluationTally;

  it('counts each grade per cadre; an ungraded cadre is 弃权; a ballot that grades nobody is valid', () => {
    expect(t.valid).toBe(5);
    expect(t.candidates.map((c) => [c.candidateId, c.counts.map((g) => g.count), c.abstain])).toEqual([
      ['x', [2, 1, 0, 1], 1],
      ['y', [1, 2, 0, 0], 2],
      ['z', [0, 1, 1, 2], 1],
    ]);
  });

  it('gives 优秀率, 称职以上率 and 不称职率 over valid ballots (abstentions included), exact and as percentages', () => {
    const rates = t.candidates.map((c) => [c.excellent, c.competentOrBetter, c.inadequate].map((r) => `${r.num}/${r.den}=${r.percent}`));
    expect(rates).toEqual([
      ['2/5=40.00', '3/5=60.00', '1/5=20.00'],
      ['1/5=20.00', '3/5=60.00', '0/5=0.00'],
      ['0/5=0.00', '1/5=20.00', '2/5=40.00'],
    ]);
  });

  it('gives the rows of the result sheet under the grade names', () => {
    expect(evaluationRows(t)[0]).toEqual({
      candidateId: 'x',
      name: 'name x',
      cells: [
        { grade: '优秀', count: 2 },
        { grade: '称职', count: 1 },
        { grade: '基本称职', count: 0 },
        { grade: '不称职', count: 1 },
      ],
      abstain: 1,
      excellent: '40.00',
      competentOrBetter: '60.00',
      inadequate: '20.00',
    });
  });

  it('reads a configured grade list by position: first grade, first two, last', () => {
    const three = evaluation(
      'E',
      ['x'],
      [
        { code: 'good', name: '满意' },
        { code: 'fair', name: '基本满意' },
        { code: 'poor', name: '不满意' },
      ],
    );
    const r = computeTally(
      shapedDefinition(three),
      [{ x: 'good' }, { x: 'fair' }, { x: 'poor' }].map((g, i) => fakeBallotV2('v-1', i, { E: graded(three, g) })),
      turnout(3),
    ).shaped![0] as EvaluationTally;
    expect(r.candidates[0]).toMatchObject({
      excellent: { num: 1, den: 3, percent: '33.33' },
      competentOrBetter: { num: 2, den: 3, percent: '66.67' },
      inadequate: { num: 1, den: 3, percent: '33.33' },
    });
  });
});

describe('percentages', () => {
  it('round half up from the exact fraction, two decimals', () => {
    expect(percentText(2, 3)).toBe('66.67');
    expect(percentText(1, 6)).toBe('16.67');
    expect(percentText(1, 8)).toBe('12.50');
    expect(percentText(1, 800)).toBe('0.13'); // 0.125 → 0.13
    expect(percentText(5, 1600)).toBe('0.31'); // 0.3125 → 0.31
    expect(percentText(7, 7)).toBe('100.00');
    expect(percentText(0, 9)).toBe('0.00');
  });
});

describe('definitions of the new shapes', () => {
  const rec = recommendation('R', 2, ['a', 'b', 'c']);
  const ev = evaluation('E', ['x', 'y']);
  const code = (d: unknown) => protocolErrorCode(() => parseVoteDefinition(d));
  const field = (d: unknown) => {
    try {
      parseVoteDefinition(d);
    } catch (e) {
      return (e as ProtocolError).field;
    }
    return undefined;
  };

  it('reads a recommendation and an evaluation definition back unchanged', () => {
    for (const d of [shapedDefinition(rec), shapedDefinition(ev)]) expect(parseVoteDefinition(structuredClone(d))).toEqual(d);
  });

  it('refuses a shaped item beside another item, two shaped items, or a version 1 definition: item_mix_invalid', () => {
    expect(code(shapedDefinition(rec, { items: [rec, item('A', 1, ['a1'])] }))).toBe('item_mix_invalid');
    expect(code(shapedDefinition(rec, { items: [rec, { ...ev }] }))).toBe('item_mix_invalid');
    expect(code(shapedDefinition(rec, { items: [rec, { ...rec, itemId: 'R2' }] }))).toBe('item_mix_invalid');
    const { version: _v, runoffOf: _r, ...v1 } = shapedDefinition(rec);
    expect(code(v1)).toBe('item_mix_invalid');
  });

  it('refuses k above the number of names, k of 0, an unknown shape, a threshold above 1', () => {
    expect(field(shapedDefinition({ ...rec, maxMarks: 4 }))).toBe('items.0.maxMarks');
    expect(field(shapedDefinition({ ...rec, maxMarks: 0 }))).toBe('items.0.maxMarks');
    expect(code(shapedDefinition({ ...rec, shape: 'ranking' } as never))).toBe('invalid_definition');
    expect(field(shapedDefinition({ ...rec, threshold: { comparison: 'more_than', num: 3, den: 2 } }))).toBe('items.0.threshold');
    expect(field(shapedDefinition({ ...rec, threshold: { comparison: 'over', num: 1, den: 2 } } as never))).toBe('items.0.threshold.comparison');
  });

  it('refuses more names or cadres than the limits', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
    expect(field(shapedDefinition(recommendation('R', 1, many(501))))).toBe('items.0.candidates');
    expect(code(shapedDefinition(recommendation('R', 1, many(500))))).toBeUndefined();
    expect(field(shapedDefinition(evaluation('E', many(201))))).toBe('items.0.candidates');
    expect(code(shapedDefinition(evaluation('E', many(200))))).toBeUndefined();
  });

  it('refuses grade lists that are too short or long, repeat, use `abstain`, or have codes longer than a mark', () => {
    const g = (grades: unknown) => field(shapedDefinition({ ...ev, grades } as never));
    expect(
      g([
        { code: 'a', name: '甲' },
        { code: 'b', name: '乙' },
      ]),
    ).toBe('items.0.grades');
    expect(g(Array.from({ length: 7 }, (_, i) => ({ code: `g${i}`, name: `等${i}` })))).toBe('items.0.grades');
    expect(
      g([
        { code: 'a', name: '甲' },
        { code: 'a', name: '乙' },
        { code: 'c', name: '丙' },
      ]),
    ).toBe('items.0.grades');
    expect(
      g([
        { code: 'abstain', name: '甲' },
        { code: 'b', name: '乙' },
        { code: 'c', name: '丙' },
      ]),
    ).toBe('items.0.grades.0.code');
    expect(
      g([
        { code: 'elevenchars', name: '甲' },
        { code: 'b', name: '乙' },
        { code: 'c', name: '丙' },
      ]),
    ).toBe('items.0.grades.0.code');
    expect(
      g([
        { code: 'Good', name: '甲' },
        { code: 'b', name: '乙' },
        { code: 'c', name: '丙' },
      ]),
    ).toBe('items.0.grades.0.code');
  });
});

describe('ballots of the new shapes', () => {
  const rec = recommendation('R', 2, ['a', 'b', 'c']);
  const ev = evaluation('E', ['x', 'y']);
  const refusal = (def: ReturnType<typeof shapedDefinition>, choices: Record<string, Record<string, string>>) => {
    try {
      validateBallot(def, fakeBallotV2('v-1', 0, choices));
    } catch (e) {
      return [(e as ProtocolError).code, (e as ProtocolError).field];
    }
    return null;
  };

  it('accepts an over-marked recommendation ballot (counted 无效) and an all-abstain evaluation ballot', () => {
    expect(refusal(shapedDefinition(rec), { R: marked(rec, ['a', 'b', 'c']) })).toBeNull();
    expect(refusal(shapedDefinition(ev), { E: graded(ev, {}) })).toBeNull();
  });

  it('refuses a committee mark, a missing name, an unknown grade: invalid_ballot naming the cell', () => {
    expect(refusal(shapedDefinition(rec), { R: { ...marked(rec, ['a']), b: 'approve' } })).toEqual(['invalid_ballot', 'choices.R.b']);
    const { c: _c, ...missing } = marked(rec, ['a']);
    expect(refusal(shapedDefinition(rec), { R: missing })).toEqual(['invalid_ballot', 'choices.R.c']);
    expect(refusal(shapedDefinition(ev), { E: { x: 'outstanding', y: 'abstain' } })).toEqual(['invalid_ballot', 'choices.E.x']);
  });

  it('grade codes are no longer than the mark width the padding assumes', () => {
    expect(GRADE_CODE_MAX).toBe(MARK_WIDTH);
  });

  it('pads every cast of one vote to one length, whatever is marked or graded', () => {
    const lengths = (def: ReturnType<typeof shapedDefinition>, all: Record<string, string>[], itemId: string) =>
      new Set(all.map((cells, i) => castBodyText(fakeBallotV2('v-1', i, { [itemId]: cells })).length));
    expect(lengths(shapedDefinition(rec), [marked(rec, []), marked(rec, ['a']), marked(rec, ['a', 'b', 'c'])], 'R').size).toBe(1);
    expect(lengths(shapedDefinition(ev), [graded(ev, {}), graded(ev, { x: 'excellent', y: 'inadequate' }), graded(ev, { x: 'adequate' })], 'E').size).toBe(1);
    expect(ballotPadding({ R: marked(rec, []) })).toHaveLength(3 * 5);
  });
});
