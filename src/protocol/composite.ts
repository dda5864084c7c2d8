// 三元测评: one composite per cadre from several evaluation results (单位干部群众测评,
// 全县领导干部会议述职测评, 分管战线领导综合测评), with weights the committee sets. Exact rational
// arithmetic (bigint), published as a chain entry `composite.published` that a verifier
// recomputes from the source records (verify/composite.ts). Pure and isomorphic.
//
// For each cadre, with sources s = 1..n, weight w_s (whole percent, Σ w_s = 100), valid ballots
// V_s and the cadre's count c_{s,g} of grade g in source s (abstentions count in V_s, for no grade):
//   composite rate  R = Σ_s (w_s / 100) · (Σ_{g ∈ rate} c_{s,g}) / V_s   for 优秀率, 称职以上率, 不称职率
//   composite score S = Σ_s (w_s / 100) · (Σ_g p_g · c_{s,g}) / V_s      on the points scale p_g (0–100)
// i.e. the weighted mean of the sources' rates, and the weighted mean of each source's average
// points per ballot (an abstention earns no points). Every value is an exact reduced fraction.
import type { ChainHead } from './chain.ts';
import { ProtocolError } from './errors.ts';
import { expectArray, expectHex64, expectInt, expectObject, expectString } from './guards.ts';
import { COMPOSITE_SOURCES_MAX, COMPOSITE_SOURCES_MIN, GRADE_POINTS_MAX, WEIGHTS_TOTAL } from './limits.ts';
import { bigRatio, decimalText, percentText, type BigRatio } from './rational.ts';
import type { EvaluationTally } from './shapes.ts';

/** One evaluation result the composite draws on. */
export interface CompositeSource {
  /** What the source is, as the result sheet heads it (e.g. 单位干部群众测评). */
  label: string;
  /** The record of the source: committee, vote, and the head the observer verified (its vote.closed entry). */
  committeeId: string;
  voteId: string;
  head: ChainHead;
  /** Whole percent, 1–100; the sources' weights sum to 100. */
  weight: number;
}

/** Points a grade is worth in the composite score, one per grade of the sources, in their order. */
export interface GradePoints {
  code: string;
  points: number;
}

/** The default points scale: 优秀 100, 称职 80, 基本称职 60, 不称职 0 (the committee may set its own). */
export const DEFAULT_POINTS: readonly GradePoints[] = [
  { code: 'excellent', points: 100 },
  { code: 'competent', points: 80 },
  { code: 'adequate', points: 60 },
  { code: 'inadequate', points: 0 },
];

/** What the committee decides: the sources, their weights and the points scale. */
export interface CompositeDefinition {
  compositeId: string;
  title: string;
  sources: CompositeSource[];
  points: GradePoints[];
}

/** A composite rate: the exact fraction (of 1) and its percentage, two decimals, rounded half up. */
export interface CompositeRate extends BigRatio {
  percent: string;
}

/** The composite score on the points scale: exact fraction and two decimals, rounded half up. */
export interface CompositeScore extends BigRatio {
  value: string;
}

export interface CompositeCadre {
  candidateId: string;
  name: string;
  excellent: CompositeRate;
  competentOrBetter: CompositeRate;
  inadequate: CompositeRate;
  score: CompositeScore;
}

/** The body of a `composite.published` chain entry. `by` is the secretary who published it. */
export interface CompositeBody extends CompositeDefinition {
  /** In the sources' cadre order. */
  cadres: CompositeCadre[];
  by: string;
}

const code = 'invalid_composite';

/** Reads a composite definition (or the definition part of a body) from untrusted JSON. Throws ProtocolError('invalid_composite'). */
export function parseCompositeDefinition(
  value: unknown,
  field = 'composite',
  extraKeys: readonly string[] = [],
): CompositeDefinition & Record<string, unknown> {
  const o = expectObject(value, field, code, ['compositeId', 'title', 'sources', 'points', ...extraKeys]);
  const raw = expectArray(o.sources, `${field}.sources`, code);
  if (raw.length < COMPOSITE_SOURCES_MIN || raw.length > COMPOSITE_SOURCES_MAX) {
    throw new ProtocolError(code, `${field}.sources must hold ${COMPOSITE_SOURCES_MIN} to ${COMPOSITE_SOURCES_MAX} sources`, {
      field: `${field}.sources`,
      zh: `${field}.sources 必须包含 ${COMPOSITE_SOURCES_MIN} 至 ${COMPOSITE_SOURCES_MAX} 个测评来源`,
    });
  }
  const sources = raw.map((s, i): CompositeSource => {
    const f = `${field}.sources.${i}`;
    const so = expectObject(s, f, code, ['label', 'committeeId', 'voteId', 'head', 'weight']);
    const head = expectObject(so.head, `${f}.head`, code, ['seq', 'hash']);
    return {
      label: expectString(so.label, `${f}.label`, code, 64),
      committeeId: expectString(so.committeeId, `${f}.committeeId`, code, 256),
      voteId: expectString(so.voteId, `${f}.voteId`, code, 256),
      head: { seq: expectInt(head.seq, `${f}.head.seq`, code), hash: expectHex64(head.hash, `${f}.head.hash`, code) },
      weight: expectInt(so.weight, `${f}.weight`, code, 1, WEIGHTS_TOTAL),
    };
  });
  const total = sources.reduce((n, s) => n + s.weight, 0);
  if (total !== WEIGHTS_TOTAL)
    throw new ProtocolError(code, `${field}.sources weights sum to ${total}, not ${WEIGHTS_TOTAL}`, {
      field: `${field}.sources`,
      zh: `${field}.sources 的权重合计为 ${total}，应为 ${WEIGHTS_TOTAL}`,
    });
  const keys = new Set(sources.map((s) => `${s.committeeId}\u0000${s.voteId}`));
  if (keys.size !== sources.length)
    throw new ProtocolError(code, `${field}.sources names one vote twice`, { field: `${field}.sources`, zh: `${field}.sources 重复引用同一表决` });
  const points = expectArray(o.points, `${field}.points`, code).map((p, i): GradePoints => {
    const po = expectObject(p, `${field}.points.${i}`, code, ['code', 'points']);
    return {
      code: expectString(po.code, `${field}.points.${i}.code`, code, 64),
      points: expectInt(po.points, `${field}.points.${i}.points`, code, 0, GRADE_POINTS_MAX),
    };
  });
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.points > points[i - 1]!.points)
      throw new ProtocolError(code, `${field}.points must not increase from a better grade to a worse one`, {
        field: `${field}.points.${i}`,
        zh: `${field}.points 中较低等次的分值不得高于较高等次`,
      });
  }
  return {
    ...Object.fromEntries(extraKeys.map((k) => [k, o[k]])),
    compositeId: expectString(o.compositeId, `${field}.compositeId`, code, 256),
    title: expectString(o.title, `${field}.title`, code, 512),
    sources,
    points,
  };
}

const RATE_KEYS = ['num', 'den', 'percent'];
const SCORE_KEYS = ['num', 'den', 'value'];
const DECIMAL = /^(0|[1-9][0-9]*)$/;

function readBig(value: unknown, field: string, keys: string[]): Record<string, string> {
  const o = expectObject(value, field, 'invalid_entry', keys);
  const out: Record<string, string> = {};
  for (const k of keys) {
    const s = expectString(o[k], `${field}.${k}`, 'invalid_entry', 64);
    if (k !== keys[2] && !DECIMAL.test(s))
      throw new ProtocolError('invalid_entry', `${field}.${k} must be a decimal integer`, { field: `${field}.${k}`, zh: `${field}.${k} 必须是十进制整数` });
    out[k] = s;
  }
  return out;
}

/** Runtime guard for a `composite.published` body: shapes only (the verifier recomputes the values). Throws ProtocolError('invalid_entry'). */
export function parseCompositeBody(value: unknown, field = 'body'): CompositeBody {
  let d: CompositeDefinition & Record<string, unknown>;
  try {
    d = parseCompositeDefinition(value, field, ['cadres', 'by']);
  } catch (e) {
    if (e instanceof ProtocolError) throw new ProtocolError('invalid_entry', e.message, { field: e.field, cause: e, zh: e.messageZh });
    throw e;
  }
  const cadres = expectArray(d.cadres, `${field}.cadres`, 'invalid_entry').map((c, i): CompositeCadre => {
    const f = `${field}.cadres.${i}`;
    const o = expectObject(c, f, 'invalid_entry', ['candidateId', 'name', 'excellent', 'competentOrBetter', 'inadequate', 'score']);
    return {
      candidateId: expectString(o.candidateId, `${f}.candidateId`, 'invalid_entry', 128),
      name: expectString(o.name, `${f}.name`, 'invalid_entry', 256),
      excellent: readBig(o.excellent, `${f}.excellent`, RATE_KEYS) as unknown as CompositeRate,
      competentOrBetter: readBig(o.competentOrBetter, `${f}.competentOrBetter`, RATE_KEYS) as unknown as CompositeRate,
      inadequate: readBig(o.inadequate, `${f}.inadequate`, RATE_KEYS) as unknown as CompositeRate,
      score: readBig(o.score, `${f}.score`, SCORE_KEYS) as unknown as CompositeScore,
    };
  });
  return {
    compositeId: d.compositeId,
    title: d.title,
    sources: d.sources,
    points: d.points,
    cadres,
    by: expectString(d.by, `${field}.by`, 'invalid_entry', 256),
  };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The composite of evaluation tallies, one per source in the definition's order. The sources
 * must list the same cadres (ids and names, in the same order) and the same grades (codes, in
 * the same order), the points scale must name exactly those grades, and every source must have
 * at least one valid ballot. Throws ProtocolError('invalid_composite') otherwise.
 */
export function computeComposite(definition: CompositeDefinition, tallies: readonly EvaluationTally[]): CompositeCadre[] {
  if (tallies.length !== definition.sources.length) {
    throw new ProtocolError(code, `${tallies.length} evaluation results for ${definition.sources.length} sources`, {
      field: 'sources',
      zh: `测评来源 ${definition.sources.length} 个，而测评结果 ${tallies.length} 个`,
    });
  }
  const first = tallies[0]!;
  const cadres = first.candidates.map((c) => `${c.candidateId}\u0000${c.name}`);
  const grades = first.grades.map((g) => g.code);
  for (const [i, t] of tallies.entries()) {
    const label = definition.sources[i]!.label;
    if (
      !same(
        t.candidates.map((c) => `${c.candidateId}\u0000${c.name}`),
        cadres,
      )
    ) {
      throw new ProtocolError(code, `source ${i} (${label}) does not list the same cadres as source 0`, {
        field: `sources.${i}`,
        zh: `测评来源 #${i}（${label}）的干部名单与来源 #0 不同`,
      });
    }
    if (
      !same(
        t.grades.map((g) => g.code),
        grades,
      )
    ) {
      throw new ProtocolError(code, `source ${i} (${label}) does not use the same grades as source 0`, {
        field: `sources.${i}`,
        zh: `测评来源 #${i}（${label}）的测评等次与来源 #0 不同`,
      });
    }
    if (t.valid === 0)
      throw new ProtocolError(code, `source ${i} (${label}) has no valid ballot`, { field: `sources.${i}`, zh: `测评来源 #${i}（${label}）没有有效票` });
  }
  if (
    !same(
      definition.points.map((p) => p.code),
      grades,
    )
  ) {
    throw new ProtocolError(code, `points must name the grades ${grades.join(', ')} in that order`, {
      field: 'points',
      zh: `points 必须依次列出测评等次 ${grades.join('、')}`,
    });
  }
  const last = grades.length - 1;
  const points = definition.points.map((p) => BigInt(p.points));
  const den = 100n * tallies.reduce((p, t) => p * BigInt(t.valid), 1n);
  // Σ_s w_s · x_s · Π_{t≠s} V_t over den = 100 · Π V_t, for the per-source numerator x_s.
  const combine = (x: (t: EvaluationTally, k: number) => bigint, k: number): bigint =>
    tallies.reduce((sum, t, s) => sum + BigInt(definition.sources[s]!.weight) * x(t, k) * (den / (100n * BigInt(t.valid))), 0n);
  const count = (t: EvaluationTally, k: number, g: number) => BigInt(t.candidates[k]!.counts[g]!.count);
  const rateOf = (num: bigint): CompositeRate => ({ ...bigRatio(num, den), percent: percentText(num, den) });
  return first.candidates.map((c, k) => {
    const score = combine((t, kk) => t.candidates[kk]!.counts.reduce((sum, _, g) => sum + points[g]! * count(t, kk, g), 0n), k);
    return {
      candidateId: c.candidateId,
      name: c.name,
      excellent: rateOf(combine((t, kk) => count(t, kk, 0), k)),
      competentOrBetter: rateOf(combine((t, kk) => count(t, kk, 0) + count(t, kk, 1), k)),
      inadequate: rateOf(combine((t, kk) => count(t, kk, last), k)),
      score: { ...bigRatio(score, den), value: decimalText(score, den) },
    };
  });
}

/** The `composite.published` body the service writes: the definition, the computed composite and the secretary. */
export function compositeBody(definition: CompositeDefinition, tallies: readonly EvaluationTally[], by: string): CompositeBody {
  const { compositeId, title, sources, points } = definition;
  return { compositeId, title, sources, points, cadres: computeComposite(definition, tallies), by };
}
