// The secretary's 民主推荐 / 民主测评 / 三元测评 inputs, read without the page (issue 15).
import { describe, expect, it } from 'vitest';
import {
  candidateInput,
  checkWeights,
  DEFAULT_GRADE_TEXT,
  defaultWeights,
  formField,
  isDefaultGrades,
  parseGradeList,
  parsePastedList,
  slipCodesIn,
  slipPages,
  thresholdOf,
} from '../../src/web/pages/secretary/shaped-input.ts';
import { DEFAULT_GRADES, reachesThreshold } from '../../src/protocol/shapes.ts';

describe('parsePastedList (the eligible list or the cadres, pasted)', () => {
  it('reads one person a line: bare, or with a post after a tab, a full-width or an ASCII comma; blank lines skipped, order kept', () => {
    expect(parsePastedList('\ufeff李干杰\t县发改委主任\r\n万立骏，某镇党委书记\n\n  王小洪  \n于伟国,县委办\n')).toEqual({
      names: [{ name: '李干杰', post: '县发改委主任' }, { name: '万立骏', post: '某镇党委书记' }, { name: '王小洪' }, { name: '于伟国', post: '县委办' }],
      badLines: [],
      duplicates: [],
    });
  });

  it('keeps a padded two-character name as one name, and a post holding spaces or commas whole', () => {
    expect(parsePastedList('王　毅\t县委常委 副县长，兼任某职').names).toEqual([{ name: '王毅', post: '县委常委 副县长，兼任某职' }]);
  });

  it('an empty post after the separator is no post', () => {
    expect(parsePastedList('陈静\t\n李强，').names).toEqual([{ name: '陈静' }, { name: '李强' }]);
  });

  it('reports a line holding two names, or none, by its number', () => {
    const r = parsePastedList('张伟\n王芳 李强\n\t县财政局\n刘洋');
    expect(r.badLines).toEqual([2, 3]);
    expect(r.names.map((n) => n.name)).toEqual(['张伟', '刘洋']);
  });

  it('reports a name listed twice, once', () => {
    expect(parsePastedList('张伟\n李强\n张伟\t某局\n张伟').duplicates).toEqual(['张伟']);
  });

  it('sends a name with its post as 现任职务, a bare name as a string', () => {
    expect(candidateInput({ name: '张伟', post: '某局局长' })).toEqual({ name: '张伟', currentPost: '某局局长' });
    expect(candidateInput({ name: '张伟' })).toBe('张伟');
  });
});

describe('thresholdOf (the 得票门槛)', () => {
  const custom = { comparison: 'at_least' as const, num: '2', den: '3' };

  it('过半数 is more than 1/2, 三分之一以上 at least 1/3, as the protocol counts them', () => {
    const half = thresholdOf('half', custom)!;
    const third = thresholdOf('third', custom)!;
    expect(half).toEqual({ comparison: 'more_than', num: 1, den: 2 });
    expect(third).toEqual({ comparison: 'at_least', num: 1, den: 3 });
    // 5 of 10 valid is not more than half; 4 of 12 is one third.
    expect(reachesThreshold(5, 10, half)).toBe(false);
    expect(reachesThreshold(4, 12, third)).toBe(true);
  });

  it('a custom fraction of whole numbers, not above 1; anything else is null', () => {
    expect(thresholdOf('custom', custom)).toEqual({ comparison: 'at_least', num: 2, den: 3 });
    expect(thresholdOf('custom', { ...custom, num: ' 3 ', den: '3' })).toEqual({ comparison: 'at_least', num: 3, den: 3 });
    for (const [num, den] of [
      ['4', '3'],
      ['0', '3'],
      ['1.5', '3'],
      ['', '3'],
      ['1', 'x'],
      ['-1', '2'],
    ])
      expect(thresholdOf('custom', { ...custom, num: num!, den: den! }), `${num}/${den}`).toBeNull();
  });
});

describe('parseGradeList (评价等次)', () => {
  it('the default text reads back as the default grades, which the request may leave out', () => {
    const r = parseGradeList(DEFAULT_GRADE_TEXT);
    expect(r).toEqual({ ok: true, grades: [...DEFAULT_GRADES] });
    expect(r.ok && isDefaultGrades(r.grades)).toBe(true);
  });

  it('codes another grade by its place, keeping the usual codes for the usual names', () => {
    const r = parseGradeList('优秀\n良好\n称职\n\n不称职\n');
    expect(r).toEqual({
      ok: true,
      grades: [
        { code: 'excellent', name: '优秀' },
        { code: 'g2', name: '良好' },
        { code: 'competent', name: '称职' },
        { code: 'inadequate', name: '不称职' },
      ],
    });
    expect(r.ok && isDefaultGrades(r.grades)).toBe(false);
  });

  it('refuses fewer than 3 or more than 6 grades, and a grade twice', () => {
    expect(parseGradeList('好\n差')).toEqual({ ok: false, problem: 'count' });
    expect(parseGradeList('1\n2\n3\n4\n5\n6\n7')).toEqual({ ok: false, problem: 'count' });
    expect(parseGradeList('好\n中\n好')).toEqual({ ok: false, problem: 'duplicate' });
  });
});

describe('weights of a 三元测评 composite', () => {
  it('offers 30/40/30 for three sources, and whole numbers summing to 100 for two to five', () => {
    expect(defaultWeights(3)).toEqual([30, 40, 30]);
    expect(defaultWeights(2)).toEqual([50, 50]);
    expect(defaultWeights(4)).toEqual([25, 25, 25, 25]);
    expect(defaultWeights(5)).toEqual([20, 20, 20, 20, 20]);
    for (const n of [2, 3, 4, 5]) expect(defaultWeights(n).reduce((a, b) => a + b, 0)).toBe(100);
    expect(defaultWeights(0)).toEqual([]);
  });

  it('accepts whole weights from 1 summing to 100', () => {
    expect(checkWeights(['30', '40', '30'])).toEqual({ ok: true, weights: [30, 40, 30] });
    expect(checkWeights([' 99 ', '1'])).toEqual({ ok: true, weights: [99, 1] });
  });

  it('refuses a sum other than 100, a weight that is not a whole number from 1, and too few or many sources', () => {
    expect(checkWeights(['30', '40', '20'])).toEqual({ ok: false, problem: 'sum', sum: 90 });
    expect(checkWeights(['60', '50'])).toEqual({ ok: false, problem: 'sum', sum: 110 });
    expect(checkWeights(['30', '0', '70'])).toEqual({ ok: false, problem: 'not_whole', index: 1 });
    expect(checkWeights(['30.5', '69.5'])).toEqual({ ok: false, problem: 'not_whole', index: 0 });
    expect(checkWeights(['50', ''])).toEqual({ ok: false, problem: 'not_whole', index: 1 });
    expect(checkWeights(['100'])).toEqual({ ok: false, problem: 'sources', count: 1 });
    expect(checkWeights(['20', '20', '20', '20', '10', '10'])).toEqual({ ok: false, problem: 'sources', count: 6 });
  });
});

describe('formField (where a refusal of the service is shown)', () => {
  it('names the item’s field after its prefix, and the vote’s own under vote.', () => {
    expect(formField('items.0.maxMarks')).toBe('maxMarks');
    expect(formField('items.0.threshold.num')).toBe('threshold');
    expect(formField('items.0.candidates.3')).toBe('candidates');
    expect(formField('items')).toBe('items');
    expect(formField('title')).toBe('vote.title');
    expect(formField(undefined)).toBeUndefined();
    expect(formField('')).toBeUndefined();
  });
});

describe('slips', () => {
  const code = 'pjp_yWl10BC8s909cJ1LV7lU6g';
  it('finds the codes in what was typed or scanned (a code or a slip’s link), each once', () => {
    expect(slipCodesIn(`${code}\nhttps://piaojue.example/#/slip/pjp_Duwwywf7Z2uc3uWp4HMM2w\n${code}`)).toEqual([code, 'pjp_Duwwywf7Z2uc3uWp4HMM2w']);
    expect(slipCodesIn('pjp_short  pjp_yWl10BC8s909cJ1LV7lU6gX')).toEqual([]);
  });

  it('cuts a batch into printed pages', () => {
    expect(slipPages([1, 2, 3, 4, 5, 6, 7, 8, 9], 8)).toEqual([[1, 2, 3, 4, 5, 6, 7, 8], [9]]);
    expect(slipPages([], 8)).toEqual([]);
  });
});
