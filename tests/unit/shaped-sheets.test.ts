// The rows of the result sheets (src/web/shaped-sheets.ts): 民主推荐票统计表 by votes with shared
// ranks and the threshold in words, 民主测评结果汇总表 per cadre, the composite with each source's
// score, and the paging of long lists on the big screen. Every number is the protocol's tally.
import { describe, expect, it } from 'vitest';
import { computeComposite, DEFAULT_POINTS, type CompositeBody } from '../../src/protocol/composite.ts';
import { DEFAULT_GRADES, tallyEvaluation, tallyRecommendation, type EvaluationItem, type RecommendationItem } from '../../src/protocol/shapes.ts';
import {
  compositeRows,
  evaluationSheet,
  pageRows,
  percentCell,
  recommendationSheetRows,
  sheetFigures,
  thresholdWords,
  votesToReach,
} from '../../src/web/shaped-sheets.ts';

const names = ['王芳', '刘洋', '李强', '张伟'];
const recommendation: RecommendationItem = {
  itemId: 'R',
  shape: 'recommendation',
  post: '县直单位副科级领导职务',
  maxMarks: 2,
  threshold: { comparison: 'more_than', num: 1, den: 2 },
  candidates: names.map((name, i) => ({ candidateId: `c${i}`, name })),
};
const mark = (...picked: string[]) =>
  Object.fromEntries(recommendation.candidates.map((c) => [c.candidateId, picked.includes(c.name) ? 'recommend' : 'blank']));

describe('thresholdWords', () => {
  it('states the usual thresholds as the rules word them', () => {
    expect(thresholdWords({ comparison: 'more_than', num: 1, den: 2 })).toEqual({ zh: '过半数', en: 'more than half' });
    expect(thresholdWords({ comparison: 'at_least', num: 1, den: 3 })).toEqual({ zh: '三分之一以上', en: 'at least one third' });
    expect(thresholdWords({ comparison: 'more_than', num: 2, den: 3 })).toEqual({ zh: '超过三分之二', en: 'more than two thirds' });
    expect(thresholdWords({ comparison: 'at_least', num: 1, den: 2 })).toEqual({ zh: '半数以上', en: 'at least half' });
  });

  it('reads the fraction in lowest terms, writes tens in Chinese numerals, and keeps digits beyond 99', () => {
    expect(thresholdWords({ comparison: 'more_than', num: 50, den: 100 }).zh).toBe('过半数');
    expect(thresholdWords({ comparison: 'at_least', num: 2, den: 6 }).zh).toBe('三分之一以上');
    expect(thresholdWords({ comparison: 'at_least', num: 3, den: 10 }).zh).toBe('十分之三以上');
    expect(thresholdWords({ comparison: 'at_least', num: 11, den: 20 }).zh).toBe('二十分之十一以上');
    expect(thresholdWords({ comparison: 'more_than', num: 7, den: 100 })).toEqual({ zh: '超过7/100', en: 'more than 7/100' });
    expect(thresholdWords({ comparison: 'at_least', num: 4, den: 4 }).zh).toBe('全票');
  });
});

describe('votesToReach', () => {
  it('is the fewest votes the protocol counts as reaching the threshold', () => {
    expect(votesToReach({ comparison: 'more_than', num: 1, den: 2 }, 5)).toBe(3);
    expect(votesToReach({ comparison: 'more_than', num: 1, den: 2 }, 4)).toBe(3);
    expect(votesToReach({ comparison: 'at_least', num: 1, den: 3 }, 6)).toBe(2);
    expect(votesToReach({ comparison: 'at_least', num: 1, den: 3 }, 7)).toBe(3);
  });

  it('is null with no valid ballot, where nobody reaches any threshold', () => {
    expect(votesToReach({ comparison: 'at_least', num: 1, den: 3 }, 0)).toBeNull();
  });
});

describe('recommendationSheetRows', () => {
  const t = tallyRecommendation(recommendation, [
    mark('王芳', '李强'),
    mark('王芳', '刘洋'),
    mark('王芳', '李强'),
    mark('王芳', '李强', '张伟'),
    mark(),
    mark('刘洋'),
  ]);

  it('orders by votes, equal votes sharing a rank in the list’s (stroke) order, the next rank skipping', () => {
    expect(recommendationSheetRows(t).map((r) => [r.name, r.votes, r.rank, r.tied])).toEqual([
      ['王芳', 3, 1, false],
      ['刘洋', 2, 2, true],
      ['李强', 2, 2, true],
      ['张伟', 0, 4, false],
    ]);
  });

  it('carries the protocol’s 得票率 and threshold flag: 3 of 5 is more than half, 2 of 5 is not', () => {
    expect(recommendationSheetRows(t).map((r) => [r.name, r.percent, r.reached])).toEqual([
      ['王芳', '60.00', true],
      ['刘洋', '40.00', false],
      ['李强', '40.00', false],
      ['张伟', '0.00', false],
    ]);
  });

  it('heads the sheet with 应到 / 实到 / 发出 / 收回 from the tally and 有效 / 无效 from the item', () => {
    expect(sheetFigures({ entitled: 10, present: 8, issued: 7, returned: 6 }, t)).toEqual({
      entitled: 10,
      present: 8,
      issued: 7,
      returned: 6,
      valid: 5,
      invalid: 1,
    });
  });

  it('shows — for the 得票率 when no ballot is valid', () => {
    const none = tallyRecommendation(recommendation, [mark('王芳', '李强', '张伟')]);
    expect(recommendationSheetRows(none).every((r) => r.percent === null && r.rank === 1 && r.tied && !r.reached)).toBe(true);
    expect(percentCell(null)).toBe('—');
    expect(percentCell('60.00')).toBe('60.00%');
  });
});

const cadres = ['王芳', '李强', '张伟'];
const evaluation: EvaluationItem = {
  itemId: 'E',
  shape: 'evaluation',
  title: '2026 年度科级领导干部民主测评',
  grades: [...DEFAULT_GRADES],
  candidates: cadres.map((name, i) => ({ candidateId: `e${i}`, name })),
};
const grade = (...g: string[]) => Object.fromEntries(evaluation.candidates.map((c, i) => [c.candidateId, g[i]!]));

describe('evaluationSheet', () => {
  it('lists each cadre in the list’s order with counts under the grade names, 弃权 and the three rates', () => {
    const t = tallyEvaluation(evaluation, [
      grade('excellent', 'competent', 'adequate'),
      grade('excellent', 'excellent', 'inadequate'),
      grade('competent', 'abstain', 'adequate'),
    ]);
    const sheet = evaluationSheet(t);
    expect(sheet.grades).toEqual(['优秀', '称职', '基本称职', '不称职']);
    expect(sheet.rows.map((r) => [r.name, r.cells.map((c) => c.count), r.abstain, r.excellent, r.competentOrBetter, r.inadequate])).toEqual([
      ['王芳', [2, 1, 0, 0], 0, '66.67', '100.00', '0.00'],
      ['李强', [1, 1, 0, 0], 1, '33.33', '66.67', '0.00'],
      ['张伟', [0, 0, 2, 1], 0, '0.00', '0.00', '33.33'],
    ]);
    expect(sheetFigures({ entitled: 4, present: 4, issued: 4, returned: 3 }, t)).toMatchObject({ valid: 3, invalid: 0 });
  });
});

describe('compositeRows', () => {
  const sources = [
    [grade('excellent', 'competent', 'adequate'), grade('excellent', 'excellent', 'inadequate'), grade('competent', 'abstain', 'adequate')],
    [grade('excellent', 'competent', 'competent'), grade('competent', 'competent', 'inadequate')],
    [grade('excellent', 'excellent', 'adequate'), grade('excellent', 'competent', 'adequate'), grade('competent', 'competent', 'competent')],
  ].map((ballots) => tallyEvaluation(evaluation, ballots));
  const head = { seq: 1, hash: '0'.repeat(64) };
  const definition = {
    compositeId: 'x',
    title: '三元测评',
    points: [...DEFAULT_POINTS],
    sources: [30, 40, 30].map((weight, i) => ({ label: `来源${i}`, committeeId: 'c', voteId: `v${i}`, head, weight })),
  };
  const body: CompositeBody = { ...definition, cadres: computeComposite(definition, sources), by: 'p' };

  it('gives each source’s own score beside the weighted composite and its rates', () => {
    expect(compositeRows(body, sources).map((r) => [r.name, r.sourceScores, r.score, r.excellent, r.competentOrBetter, r.inadequate, r.rank])).toEqual([
      ['王芳', ['93.33', '90.00', '93.33'], '92.00', '60.00', '100.00', '0.00', 1],
      ['李强', ['60.00', '80.00', '86.67'], '76.00', '20.00', '90.00', '0.00', 2],
      ['张伟', ['40.00', '40.00', '66.67'], '48.00', '0.00', '30.00', '30.00', 3],
    ]);
  });

  it('ranks by the exact score: equal fractions share a rank even when written differently', () => {
    const tied: CompositeBody = {
      ...body,
      cadres: body.cadres.map((c, k) => ({ ...c, score: k === 2 ? { num: '184', den: '2', value: '92.00' } : c.score })),
    };
    expect(compositeRows(tied, sources).map((r) => r.rank)).toEqual([1, 3, 1]);
  });
});

describe('pageRows', () => {
  const rows = Array.from({ length: 45 }, (_, i) => i);

  it('fills columns then pages, every row once and in order', () => {
    const pages = pageRows(rows, 10, 2);
    expect(pages.map((p) => p.map((c) => c.length))).toEqual([[10, 10], [10, 10], [5]]);
    expect(pages.flat(2)).toEqual(rows);
  });

  it('keeps a list that fits on one page, and gives an empty list one empty page', () => {
    expect(pageRows(rows, 50, 3)).toEqual([[rows]]);
    expect(pageRows([], 10, 2)).toEqual([[[]]]);
    expect(pageRows(rows, 0, 0).length).toBe(45);
  });
});
