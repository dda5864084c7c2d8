// What the secretary types to set up a 民主推荐 or 民主测评 (issue 15), read without the DOM: the
// pasted list of names (one a line, a post or unit after a tab or a comma), the threshold
// presets, the grade list, the weights of a 三元测评 composite, and which field of the form a
// refusal of the service names. Pure, for the pages and their unit tests.
import { parseNameList } from '../../../collation/index.ts';
import { COMPOSITE_SOURCES_MAX, COMPOSITE_SOURCES_MIN, GRADES_MAX, GRADES_MIN, WEIGHTS_TOTAL } from '../../../protocol/limits.ts';
import { DEFAULT_GRADES, type Grade, type Threshold } from '../../../protocol/shapes.ts';

/** One name of a pasted list, with the post or unit written after it (shown as 现任职务). */
export interface ListedName {
  name: string;
  post?: string;
}

export interface PastedList {
  names: ListedName[];
  /** 1-based numbers of the lines that are not one name (two names on a line, say). */
  badLines: number[];
  /** Names listed more than once, each once. */
  duplicates: string[];
}

const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/u;
/** Between the name and its post or unit: a tab (a table's columns), a full-width or an ASCII comma. */
const POST_SEPARATOR = /[\t，,]/u;

/**
 * Reads a pasted list: one person a line, `name` or `name<TAB>post` (also `name，post` and
 * `name,post`). The name is read as the collation's name lists read names (a padded 王　毅 is
 * 王毅); a line whose name part holds more than one name is a bad line. Blank lines are skipped;
 * the order is kept.
 */
export function parsePastedList(text: string): PastedList {
  const names: ListedName[] = [];
  const badLines: number[] = [];
  text
    .replace(/^\ufeff/u, '')
    .split(LINE_BREAK)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const at = line.search(POST_SEPARATOR);
      const namePart = at < 0 ? line : line.slice(0, at);
      const post = at < 0 ? '' : line.slice(at + 1).trim();
      const found = parseNameList(namePart);
      if (found.length !== 1) {
        badLines.push(i + 1);
        return;
      }
      names.push(post ? { name: found[0]!, post } : { name: found[0]! });
    });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const n of names) (seen.has(n.name) ? duplicates : seen).add(n.name);
  return { names, badLines, duplicates: [...duplicates] };
}

/** A listed name as the service takes a candidate: the bare name, or the name with its post as 现任职务. */
export function candidateInput(n: ListedName): string | { name: string; currentPost: string } {
  return n.post ? { name: n.name, currentPost: n.post } : n.name;
}

/** The thresholds a meeting usually sets, by the words the rules use. */
export const THRESHOLD_PRESETS = {
  half: { comparison: 'more_than', num: 1, den: 2 },
  third: { comparison: 'at_least', num: 1, den: 3 },
} as const satisfies Record<string, Threshold>;

export type ThresholdPreset = keyof typeof THRESHOLD_PRESETS | 'custom';

/**
 * The threshold the form sends: a preset, or the custom fraction typed (whole numbers, 0 < num ≤
 * den); null when the custom fraction is not one.
 */
export function thresholdOf(preset: ThresholdPreset, custom: { comparison: Threshold['comparison']; num: string; den: string }): Threshold | null {
  if (preset !== 'custom') return { ...THRESHOLD_PRESETS[preset] };
  const num = wholeNumber(custom.num);
  const den = wholeNumber(custom.den);
  if (num === null || den === null || num < 1 || den < 1 || num > den) return null;
  return { comparison: custom.comparison, num, den };
}

/** The grade list as typed, one grade a line, best first: 优秀 / 称职 / 基本称职 / 不称职 by default. */
export const DEFAULT_GRADE_TEXT = DEFAULT_GRADES.map((g) => g.name).join('\n');

export type GradeList = { ok: true; grades: Grade[] } | { ok: false; problem: 'count' | 'duplicate' };

/**
 * Reads the grade list: GRADES_MIN to GRADES_MAX distinct names, best first. A name of the
 * default list keeps its code (so evaluations with the usual grades combine in a composite and
 * take the usual points); any other grade is coded by its place (g1, g2, …).
 */
export function parseGradeList(text: string): GradeList {
  const names = text
    .split(LINE_BREAK)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (names.length < GRADES_MIN || names.length > GRADES_MAX) return { ok: false, problem: 'count' };
  if (new Set(names).size !== names.length) return { ok: false, problem: 'duplicate' };
  return {
    ok: true,
    grades: names.map((name, i) => ({ code: DEFAULT_GRADES.find((g) => g.name === name)?.code ?? `g${i + 1}`, name })),
  };
}

/** True when the grades are the default ones (the request may then leave them out). */
export function isDefaultGrades(grades: readonly Grade[]): boolean {
  return grades.length === DEFAULT_GRADES.length && grades.every((g, i) => g.code === DEFAULT_GRADES[i]!.code && g.name === DEFAULT_GRADES[i]!.name);
}

/** The weights first offered for n sources: 30/40/30 for 三元测评's three, else as even as whole numbers go. */
export function defaultWeights(n: number): number[] {
  if (n === 3) return [30, 40, 30];
  if (n <= 0) return [];
  const base = Math.floor(WEIGHTS_TOTAL / n);
  return Array.from({ length: n }, (_, i) => base + (i < WEIGHTS_TOTAL - base * n ? 1 : 0));
}

export type WeightCheck =
  | { ok: true; weights: number[] }
  | { ok: false; problem: 'sources'; count: number }
  | { ok: false; problem: 'not_whole'; index: number }
  | { ok: false; problem: 'sum'; sum: number };

/** The weights as typed, checked as the service checks them: 2–5 sources, whole numbers from 1, summing to 100. */
export function checkWeights(typed: readonly string[]): WeightCheck {
  if (typed.length < COMPOSITE_SOURCES_MIN || typed.length > COMPOSITE_SOURCES_MAX) return { ok: false, problem: 'sources', count: typed.length };
  const weights: number[] = [];
  for (const [index, t] of typed.entries()) {
    const w = wholeNumber(t);
    if (w === null || w < 1 || w > WEIGHTS_TOTAL) return { ok: false, problem: 'not_whole', index };
    weights.push(w);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  return sum === WEIGHTS_TOTAL ? { ok: true, weights } : { ok: false, problem: 'sum', sum };
}

/**
 * The field of the shaped-vote form that a refusal names: for the item's fields
 * (`items.0.maxMarks`, `items.0.threshold.num`) the first name after the item's prefix
 * (`maxMarks`, `threshold`); for the vote's own (`title`) that name after `vote.`
 * (`vote.title`); undefined when it names none.
 */
export function formField(apiField: string | undefined): string | undefined {
  if (!apiField) return undefined;
  const parts = apiField.split('.');
  if (parts[0] === 'items') return parts.length > 2 ? parts[2] : 'items';
  return parts[0] ? `vote.${parts[0]}` : undefined;
}

function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d{1,6}$/.test(t) ? Number(t) : null;
}

/** The participation codes in what was typed or scanned (a code, or a slip's link), each once, in order. */
export function slipCodesIn(text: string): string[] {
  return [...new Set(text.match(/pjp_[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/gu) ?? [])];
}

/** A batch of slips cut into printed pages of `perPage`. */
export function slipPages<T>(slips: readonly T[], perPage: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < slips.length; i += perPage) pages.push(slips.slice(i, i + perPage));
  return pages;
}
