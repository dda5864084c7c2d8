// The rows of the result sheets for the meetings' ballots (issue 15), DOM-free so they are
// tested alone and the projector, its printed sheets and the observer build the same tables:
// 民主推荐票统计表 (names by votes, 得票率, 名次, whether the threshold is reached), 民主测评结果汇总表
// (per cadre counts per grade, 优秀率, 称职以上率, 不称职率) and the 三元测评 composite. Every
// number is the protocol's (shapes.ts, composite.ts): the counts and exact rates of the published
// tally and the percentages its percentText made. Nothing here computes a rate of its own.
import { computeComposite, type CompositeBody } from '../protocol/composite.ts';
import {
  evaluationRows,
  reachesThreshold,
  recommendationByRank,
  type EvaluationRow,
  type EvaluationTally,
  type RecommendationTally,
  type Threshold,
} from '../protocol/shapes.ts';
import type { ShapedTally, Tally } from '../protocol/tally.ts';
import type { Words } from './outcome-words.ts';

// ── 民主推荐票统计表 ───────────────────────────────────────────────────────────────────────────

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–99 in Chinese numerals (十, 十一, 二十, 九十九); undefined beyond. */
function chineseNumber(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 1 || n > 99) return undefined;
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The threshold in words, as the sheet's heading states it: {more_than 1/2} 过半数, {at_least 1/3}
 * 三分之一以上 (以上 includes the fraction itself, as in the rules' own wording), {more_than 2/3}
 * 超过三分之二, {at_least 1/2} 半数以上, {at_least 1/1} 全票. The fraction is read in lowest
 * terms; one beyond the Chinese numerals written here stays as digits (超过 7/100).
 */
export function thresholdWords(t: Threshold): Words {
  const g = gcd(t.num, t.den);
  const num = t.num / g;
  const den = t.den / g;
  const more = t.comparison === 'more_than';
  if (num === den) return more ? { zh: '超过全部有效票', en: 'more than all valid ballots' } : { zh: '全票', en: 'every valid ballot' };
  if (num * 2 === den) return more ? { zh: '过半数', en: 'more than half' } : { zh: '半数以上', en: 'at least half' };
  const n = chineseNumber(num);
  const d = chineseNumber(den);
  const zhFraction = n && d ? `${d}分之${n}` : `${num}/${den}`;
  const enFraction = ENGLISH_FRACTIONS[`${num}/${den}`] ?? `${num}/${den}`;
  return more ? { zh: `超过${zhFraction}`, en: `more than ${enFraction}` } : { zh: `${zhFraction}以上`, en: `at least ${enFraction}` };
}

const ENGLISH_FRACTIONS: Record<string, string> = {
  '1/3': 'one third',
  '2/3': 'two thirds',
  '1/4': 'one quarter',
  '3/4': 'three quarters',
  '1/5': 'one fifth',
};

/**
 * The fewest votes that reach the threshold with this many valid ballots, by the protocol's own
 * comparison (reachesThreshold); null when no count can (no valid ballot, or "more than all").
 */
export function votesToReach(t: Threshold, valid: number): number | null {
  for (let v = 0; v <= valid; v++) if (reachesThreshold(v, valid, t)) return v;
  return null;
}

export interface RecommendationRow {
  candidateId: string;
  name: string;
  votes: number;
  /** 得票率 as the protocol rendered it ("66.67"), null with no valid ballot. */
  percent: string | null;
  rank: number;
  /** The rank is shared with another name (并列). */
  tied: boolean;
  reached: boolean;
}

/**
 * The rows of a 民主推荐票统计表: sorted by votes (名次), names with equal votes sharing a rank
 * and kept in the eligible list's (stroke) order. A counting sheet is read to see who leads and
 * who reaches the threshold, so it is ordered by votes; the ballot itself keeps stroke order.
 */
export function recommendationSheetRows(t: Pick<RecommendationTally, 'candidates'>): RecommendationRow[] {
  const byRank = recommendationByRank(t);
  const shared = new Map<number, number>();
  for (const c of byRank) shared.set(c.rank, (shared.get(c.rank) ?? 0) + 1);
  return byRank.map((c) => ({
    candidateId: c.candidateId,
    name: c.name,
    votes: c.votes,
    percent: c.rate.percent,
    rank: c.rank,
    tied: shared.get(c.rank)! > 1,
    reached: c.reached,
  }));
}

// ── 民主测评结果汇总表 ─────────────────────────────────────────────────────────────────────────

export interface EvaluationSheet {
  /** The grade names, best first: the count columns. */
  grades: string[];
  /** In the list's order (the unit's order, as on the ballot). */
  rows: EvaluationRow[];
}

export function evaluationSheet(t: Pick<EvaluationTally, 'grades' | 'candidates'>): EvaluationSheet {
  return { grades: t.grades.map((g) => g.name), rows: evaluationRows(t) };
}

// ── the numbers at the head of either sheet ──────────────────────────────────────────────────

export interface SheetFigures {
  entitled: number;
  present: number;
  issued: number;
  returned: number;
  valid: number;
  invalid: number;
}

/**
 * 应到 / 实到 / 发出 / 收回 / 有效 / 无效 of a shaped vote, from its published tally. An evaluation
 * ballot cannot be over-marked: every returned ballot is valid (shapes.ts), so its 无效 is 0.
 */
export function sheetFigures(t: Pick<Tally, 'entitled' | 'present' | 'issued' | 'returned'>, s: ShapedTally): SheetFigures {
  return {
    entitled: t.entitled,
    present: t.present,
    issued: t.issued,
    returned: t.returned,
    valid: s.valid,
    invalid: s.shape === 'recommendation' ? s.invalid : 0,
  };
}

// ── 三元测评 composite ─────────────────────────────────────────────────────────────────────────

export interface CompositeRow {
  candidateId: string;
  name: string;
  /** Each source's own score for this cadre, in the sources' order ("86.67"). */
  sourceScores: string[];
  score: string;
  excellent: string;
  competentOrBetter: string;
  inadequate: string;
  /** Competition ranking by the exact composite score (1, 2, 2, 4). */
  rank: number;
}

/** a/b against c/d for non-negative decimal-string fractions: negative, 0 or positive. */
function compareFractions(a: { num: string; den: string }, b: { num: string; den: string }): number {
  const l = BigInt(a.num) * BigInt(b.den);
  const r = BigInt(b.num) * BigInt(a.den);
  return l === r ? 0 : l > r ? 1 : -1;
}

/**
 * The composite table: per cadre, each source's score, the composite score and rates as the
 * published entry states them, and the rank by score. A source's own score is the composite of
 * that source alone at weight 100 — computeComposite's rule applied to one source, not a second
 * formula — so the row reads as "these scores, weighted, give that one".
 */
export function compositeRows(body: CompositeBody, sourceTallies: readonly EvaluationTally[]): CompositeRow[] {
  const perSource = body.sources.map((s, i) => computeComposite({ ...body, sources: [{ ...s, weight: 100 }] }, [sourceTallies[i]!]));
  return body.cadres.map((c, k) => ({
    candidateId: c.candidateId,
    name: c.name,
    sourceScores: perSource.map((cadres) => cadres[k]!.score.value),
    score: c.score.value,
    excellent: c.excellent.percent,
    competentOrBetter: c.competentOrBetter.percent,
    inadequate: c.inadequate.percent,
    rank: 1 + body.cadres.filter((o) => compareFractions(o.score, c.score) > 0).length,
  }));
}

// ── paging the big screen ────────────────────────────────────────────────────────────────────

/**
 * Rows cut into screen pages of `columns` columns of `perColumn` rows each (at least one row per
 * column): each page is a list of columns, each column a list of rows. A list that fits is one page.
 */
export function pageRows<T>(rows: readonly T[], perColumn: number, columns: number): T[][][] {
  const per = Math.max(1, Math.floor(perColumn));
  const cols = Math.max(1, Math.floor(columns));
  const pages: T[][][] = [];
  for (let i = 0; i < rows.length; i += per * cols) {
    const page: T[][] = [];
    for (let j = i; j < Math.min(rows.length, i + per * cols); j += per) page.push(rows.slice(j, Math.min(j + per, i + per * cols)));
    pages.push(page);
  }
  return pages.length > 0 ? pages : [[[]]];
}

/** "66.67%", or — with no valid ballot. */
export function percentCell(p: string | null): string {
  return p === null ? '—' : `${p}%`;
}
