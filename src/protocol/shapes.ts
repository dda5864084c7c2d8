// The two item shapes of the meetings' secret ballots (issue 15), beside the committee's
// confirmation (等额) and differential (差额) items:
// - recommendation (民主推荐): mark at most k names from an eligible list; over-marked → 无效.
// - evaluation (民主测评): one grade per cadre from a grade list; an ungraded cadre is 弃权.
// Definitions, ballot cells and counting, with exact integer arithmetic. Pure and isomorphic.
import type { Candidate } from './ballot.ts';
import { ProtocolError } from './errors.ts';
import { expectArray, expectInt, expectObject, expectOneOf, expectString, isPlainObject } from './guards.ts';
import {
  EVALUATION_CADRES_MAX,
  GRADE_CODE_MAX,
  GRADE_NAME_MAX,
  GRADES_MAX,
  GRADES_MIN,
  RECOMMENDATION_MARKS_MAX,
  RECOMMENDATION_NAMES_MAX,
  THRESHOLD_TERM_MAX,
} from './limits.ts';
import { percentText, type Ratio } from './rational.ts';

/**
 * A recommendation threshold on 得票率 = votes ÷ valid ballots, as an exact fraction num/den:
 * `more_than` 1/2 is 过半数 (votes × 2 > valid); `at_least` 1/3 is 三分之一以上 (votes × 3 ≥ valid).
 * With no valid ballot nobody reaches any threshold.
 */
export interface Threshold {
  comparison: 'more_than' | 'at_least';
  num: number;
  den: number;
}

export const MORE_THAN_HALF: Threshold = { comparison: 'more_than', num: 1, den: 2 };

/** 民主推荐: k of n from the eligible list. */
export interface RecommendationItem {
  itemId: string;
  shape: 'recommendation';
  /** 定位推荐: the post; 非定位推荐: the rank or kind of post recommended for. */
  post: string;
  /** k: the most names one ballot may mark. */
  maxMarks: number;
  threshold: Threshold;
  /** The eligible list, in the order given (stroke order, checked by the verifier); the ballot and the tally keep it. */
  candidates: Candidate[];
}

/** A grade of an evaluation: a stable ASCII code (on the ballot) and its printed name. */
export interface Grade {
  code: string;
  name: string;
}

/** 优秀 / 称职 / 基本称职 / 不称职, best first. */
export const DEFAULT_GRADES: readonly Grade[] = [
  { code: 'excellent', name: '优秀' },
  { code: 'competent', name: '称职' },
  { code: 'adequate', name: '基本称职' },
  { code: 'inadequate', name: '不称职' },
];

/** 民主测评: one grade per cadre. */
export interface EvaluationItem {
  itemId: string;
  shape: 'evaluation';
  /** What is evaluated, as the ballot heads it (e.g. 2026 年度科级领导干部民主测评). */
  title: string;
  /**
   * Best first, GRADES_MIN to GRADES_MAX of them. The rates read the list by position:
   * 优秀率 counts the first grade, 称职以上率 the first two, 不称职率 the last.
   */
  grades: Grade[];
  /** The cadres, in the order given (the unit's order: not re-sorted, not checked for stroke order). */
  candidates: Candidate[];
}

export type ShapedItem = RecommendationItem | EvaluationItem;

/** The cell of a recommendation ballot for each name: marked (推荐) or not. */
export const RECOMMEND = 'recommend';
export const BLANK = 'blank';
export const RECOMMENDATION_CELLS = [RECOMMEND, BLANK] as const;
/** The cell of an evaluation ballot for a cadre left ungraded (弃权); never a grade code. */
export const ABSTAIN = 'abstain';

export function isShapedItem(item: unknown): item is ShapedItem {
  return isPlainObject(item) && (item.shape === 'recommendation' || item.shape === 'evaluation');
}

const GRADE_CODE = /^[a-z][a-z0-9_]*$/;
const def = 'invalid_definition';

function thresholdOf(value: unknown, field: string): Threshold {
  const o = expectObject(value, field, def, ['comparison', 'num', 'den']);
  const comparison = expectOneOf(o.comparison, ['more_than', 'at_least'] as const, `${field}.comparison`, def);
  const num = expectInt(o.num, `${field}.num`, def, 1, THRESHOLD_TERM_MAX);
  const den = expectInt(o.den, `${field}.den`, def, 1, THRESHOLD_TERM_MAX);
  if (num > den) throw new ProtocolError(def, `${field} must not exceed 1`, { field, zh: `${field} 不得大于 1` });
  return { comparison, num, den };
}

/** Reads a grade list: GRADES_MIN..GRADES_MAX grades, distinct lower-case ASCII codes of at most GRADE_CODE_MAX characters, never `abstain`; distinct names. */
export function parseGrades(value: unknown, field = 'grades'): Grade[] {
  const raw = expectArray(value, field, def);
  if (raw.length < GRADES_MIN || raw.length > GRADES_MAX)
    throw new ProtocolError(def, `${field} must hold ${GRADES_MIN} to ${GRADES_MAX} grades`, {
      field,
      zh: `${field} 必须包含 ${GRADES_MIN} 至 ${GRADES_MAX} 个等次`,
    });
  const grades = raw.map((g, i): Grade => {
    const o = expectObject(g, `${field}.${i}`, def, ['code', 'name']);
    const code = expectString(o.code, `${field}.${i}.code`, def, GRADE_CODE_MAX);
    if (!GRADE_CODE.test(code) || code === ABSTAIN) {
      throw new ProtocolError(def, `${field}.${i}.code must be lower-case ASCII (a-z, 0-9, _), start with a letter, and not be "abstain"`, {
        field: `${field}.${i}.code`,
        zh: `${field}.${i}.code 须为小写英文字母开头的 ASCII 代码（a-z、0-9、_），且不得为 abstain`,
      });
    }
    const name = expectString(o.name, `${field}.${i}.name`, def, GRADE_NAME_MAX);
    if (name.trim() === '' || name.trim() !== name)
      throw new ProtocolError(def, `${field}.${i}.name must be non-empty without surrounding spaces`, {
        field: `${field}.${i}.name`,
        zh: `${field}.${i}.name 不得为空，首尾不得有空格`,
      });
    return { code, name };
  });
  if (new Set(grades.map((g) => g.code)).size !== grades.length || new Set(grades.map((g) => g.name)).size !== grades.length) {
    throw new ProtocolError(def, `${field} codes and names must be distinct`, { field, zh: `${field} 的代码和名称均不得重复` });
  }
  return grades;
}

/**
 * Reads a shaped item (`shape` present) from untrusted JSON; `readCandidates` is the definition's
 * candidate reader (ids distinct, names, optional posts). Throws ProtocolError('invalid_definition').
 */
export function parseShapedItem(raw: unknown, field: string, readCandidates: (value: unknown, field: string) => Candidate[]): ShapedItem {
  const shape = isPlainObject(raw) ? raw.shape : undefined;
  if (shape === 'recommendation') {
    const o = expectObject(raw, field, def, ['itemId', 'shape', 'post', 'maxMarks', 'threshold', 'candidates']);
    const candidates = readCandidates(o.candidates, `${field}.candidates`);
    if (candidates.length < 1 || candidates.length > RECOMMENDATION_NAMES_MAX) {
      throw new ProtocolError(def, `${field}.candidates must hold 1 to ${RECOMMENDATION_NAMES_MAX} names`, {
        field: `${field}.candidates`,
        zh: `${field}.candidates 必须包含 1 至 ${RECOMMENDATION_NAMES_MAX} 个人选`,
      });
    }
    const maxMarks = expectInt(o.maxMarks, `${field}.maxMarks`, def, 1, RECOMMENDATION_MARKS_MAX);
    if (maxMarks > candidates.length)
      throw new ProtocolError(def, `${field}.maxMarks must not exceed the number of names`, {
        field: `${field}.maxMarks`,
        zh: `${field}.maxMarks 不得超过可推荐人选数`,
      });
    return {
      itemId: expectString(o.itemId, `${field}.itemId`, def, 128),
      shape,
      post: expectString(o.post, `${field}.post`, def, 512),
      maxMarks,
      threshold: thresholdOf(o.threshold, `${field}.threshold`),
      candidates,
    };
  }
  if (shape === 'evaluation') {
    const o = expectObject(raw, field, def, ['itemId', 'shape', 'title', 'grades', 'candidates']);
    const candidates = readCandidates(o.candidates, `${field}.candidates`);
    if (candidates.length < 1 || candidates.length > EVALUATION_CADRES_MAX) {
      throw new ProtocolError(def, `${field}.candidates must hold 1 to ${EVALUATION_CADRES_MAX} cadres`, {
        field: `${field}.candidates`,
        zh: `${field}.candidates 必须包含 1 至 ${EVALUATION_CADRES_MAX} 名干部`,
      });
    }
    return {
      itemId: expectString(o.itemId, `${field}.itemId`, def, 128),
      shape,
      title: expectString(o.title, `${field}.title`, def, 512),
      grades: parseGrades(o.grades, `${field}.grades`),
      candidates,
    };
  }
  throw new ProtocolError(def, `${field}.shape must be recommendation or evaluation`, {
    field: `${field}.shape`,
    zh: `${field}.shape 必须是 recommendation 或 evaluation`,
  });
}

/**
 * Which shapes one vote may hold: either only committee items (confirmation / differential,
 * any number), or exactly one recommendation item, or exactly one evaluation item. Shaped items
 * need a version 2 definition (the one-time ballot key signs the cells). Throws
 * ProtocolError('item_mix_invalid').
 */
export function checkItemMix(items: readonly unknown[], version: 2 | undefined): void {
  const shaped = items.filter(isShapedItem);
  if (shaped.length === 0) return;
  if (items.length !== 1) {
    throw new ProtocolError('item_mix_invalid', `a ${shaped[0]!.shape} item must be the vote's only item (the vote has ${items.length})`, {
      field: 'items',
      zh: `民主推荐或民主测评事项必须是本次投票的唯一事项（现有 ${items.length} 个事项）`,
    });
  }
  if (version !== 2)
    throw new ProtocolError('item_mix_invalid', `a ${shaped[0]!.shape} item needs a version 2 definition`, {
      field: 'version',
      zh: '民主推荐和民主测评事项须使用第 2 版表决定义',
    });
}

/** The cells a shaped item's ballot may carry for each candidate. */
export function allowedCells(item: ShapedItem): readonly string[] {
  return item.shape === 'recommendation' ? RECOMMENDATION_CELLS : [...item.grades.map((g) => g.code), ABSTAIN];
}

/** Names marked on a recommendation ballot. */
export function marksOf(item: RecommendationItem, cells: Record<string, string> | undefined): number {
  if (!cells) return 0;
  let n = 0;
  for (const c of item.candidates) if (cells[c.candidateId] === RECOMMEND) n++;
  return n;
}

/** More names marked than k: the whole ballot is 无效 (counted as returned, not as valid). */
export function isRecommendationOverMarked(item: RecommendationItem, cells: Record<string, string> | undefined): boolean {
  return marksOf(item, cells) > item.maxMarks;
}

// ---------- counting ----------

/** An exact rate with its display percentage (two decimals, rounded half up); null rate when the denominator is 0. */
export interface Rate extends Ratio {
  /** num/den × 100 rounded half up to two decimals, e.g. "66.67"; null when den = 0. */
  percent: string | null;
}

function rate(num: number, den: number): Rate {
  return { num, den, percent: den === 0 ? null : percentText(num, den) };
}

/** votes/valid against the threshold, in integers. No valid ballot: false. */
export function reachesThreshold(votes: number, valid: number, t: Threshold): boolean {
  if (valid === 0) return false;
  const l = BigInt(votes) * BigInt(t.den);
  const r = BigInt(valid) * BigInt(t.num);
  return t.comparison === 'more_than' ? l > r : l >= r;
}

/** Standard competition ranking (1, 2, 2, 4) by votes, highest first. */
export function competitionRanks(votes: readonly number[]): number[] {
  return votes.map((v) => 1 + votes.filter((w) => w > v).length);
}

export interface RecommendationNameTally {
  candidateId: string;
  name: string;
  votes: number;
  /** 得票率 = votes ÷ valid ballots (exact), with its display percentage. */
  rate: Rate;
  /** Competition ranking by votes: equal votes share a rank, the next rank skips (1, 2, 2, 4). */
  rank: number;
  /** Whether 得票率 reaches the threshold. */
  reached: boolean;
}

export interface RecommendationTally {
  itemId: string;
  shape: 'recommendation';
  post: string;
  maxMarks: number;
  threshold: Threshold;
  /** 有效: ballots with at most k names marked (blank ballots included). */
  valid: number;
  /** 无效: ballots with more than k names marked. */
  invalid: number;
  /** Valid ballots that mark no name (空白票). */
  blank: number;
  /** In the eligible list's order. */
  candidates: RecommendationNameTally[];
}

/** Counts one recommendation item over validated ballots' cells (item id → candidate → cell). */
export function tallyRecommendation(item: RecommendationItem, ballotCells: readonly (Record<string, string> | undefined)[]): RecommendationTally {
  const votes = item.candidates.map(() => 0);
  let invalid = 0;
  let blank = 0;
  for (const cells of ballotCells) {
    const marked = marksOf(item, cells);
    if (marked > item.maxMarks) {
      invalid++;
      continue;
    }
    if (marked === 0) blank++;
    item.candidates.forEach((c, k) => {
      if (cells?.[c.candidateId] === RECOMMEND) votes[k]!++;
    });
  }
  const valid = ballotCells.length - invalid;
  const ranks = competitionRanks(votes);
  return {
    itemId: item.itemId,
    shape: 'recommendation',
    post: item.post,
    maxMarks: item.maxMarks,
    threshold: item.threshold,
    valid,
    invalid,
    blank,
    candidates: item.candidates.map((c, k) => ({
      candidateId: c.candidateId,
      name: c.name,
      votes: votes[k]!,
      rate: rate(votes[k]!, valid),
      rank: ranks[k]!,
      reached: reachesThreshold(votes[k]!, valid, item.threshold),
    })),
  };
}

export interface CadreTally {
  candidateId: string;
  name: string;
  /** Ballots per grade, in the grade list's order. */
  counts: { code: string; count: number }[];
  /** 弃权: valid ballots that left this cadre ungraded. */
  abstain: number;
  /** 优秀率: the first grade ÷ valid ballots. */
  excellent: Rate;
  /** 称职以上率: the first two grades ÷ valid ballots. */
  competentOrBetter: Rate;
  /** 不称职率: the last grade ÷ valid ballots. */
  inadequate: Rate;
}

export interface EvaluationTally {
  itemId: string;
  shape: 'evaluation';
  title: string;
  grades: Grade[];
  /**
   * 有效: every returned ballot (an evaluation ballot cannot be over-marked; one that grades no
   * cadre is valid and abstains on each). The rates' denominator, abstentions included.
   */
  valid: number;
  /** In the list's order. */
  candidates: CadreTally[];
}

/** Counts one evaluation item over validated ballots' cells. */
export function tallyEvaluation(item: EvaluationItem, ballotCells: readonly (Record<string, string> | undefined)[]): EvaluationTally {
  const index = new Map(item.grades.map((g, i) => [g.code, i]));
  const counts = item.candidates.map(() => item.grades.map(() => 0));
  const abstain = item.candidates.map(() => 0);
  for (const cells of ballotCells) {
    item.candidates.forEach((c, k) => {
      const g = index.get(cells?.[c.candidateId] ?? ABSTAIN);
      if (g === undefined) abstain[k]!++;
      else counts[k]![g]!++;
    });
  }
  const valid = ballotCells.length;
  const last = item.grades.length - 1;
  return {
    itemId: item.itemId,
    shape: 'evaluation',
    title: item.title,
    grades: item.grades,
    valid,
    candidates: item.candidates.map((c, k) => {
      const n = counts[k]!;
      return {
        candidateId: c.candidateId,
        name: c.name,
        counts: item.grades.map((g, i) => ({ code: g.code, count: n[i]! })),
        abstain: abstain[k]!,
        excellent: rate(n[0]!, valid),
        competentOrBetter: rate(n[0]! + n[1]!, valid),
        inadequate: rate(n[last]!, valid),
      };
    }),
  };
}

// ---------- for the result sheets (民主推荐票统计表, 民主测评结果汇总表) ----------

/** The names by rank (ties kept in list order): the rows of a 民主推荐票统计表 sorted by votes. */
export function recommendationByRank(t: Pick<RecommendationTally, 'candidates'>): RecommendationNameTally[] {
  return t.candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.rank - b.c.rank || a.i - b.i)
    .map((x) => x.c);
}

/** The threshold as the sheet states it: 过半数, or 超过 / 达到 num/den (2/3 → 三分之二 is left to the page). */
export function thresholdZh(t: Threshold): string {
  if (t.comparison === 'more_than' && t.num * 2 === t.den) return '过半数';
  return t.comparison === 'more_than' ? `超过 ${t.num}/${t.den}` : `达到 ${t.num}/${t.den} 及以上`;
}

/** One row of a 民主测评结果汇总表: counts under the grade names, 弃权, and the three rates' percentages. */
export interface EvaluationRow {
  candidateId: string;
  name: string;
  cells: { grade: string; count: number }[];
  abstain: number;
  excellent: string | null;
  competentOrBetter: string | null;
  inadequate: string | null;
}

export function evaluationRows(t: Pick<EvaluationTally, 'grades' | 'candidates'>): EvaluationRow[] {
  const names = new Map(t.grades.map((g) => [g.code, g.name]));
  return t.candidates.map((c) => ({
    candidateId: c.candidateId,
    name: c.name,
    cells: c.counts.map((g) => ({ grade: names.get(g.code) ?? g.code, count: g.count })),
    abstain: c.abstain,
    excellent: c.excellent.percent,
    competentOrBetter: c.competentOrBetter.percent,
    inadequate: c.inadequate.percent,
  }));
}
