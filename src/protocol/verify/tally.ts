// Check `tally`: recount the well-formed ballots and compare with the published tally, outcomes
// included; a mismatch names the first differing path.
import type { AnyVoteDefinition, Ballot } from '../ballot.ts';
import { bytesToHex, canonicalBytes } from '../encoding.ts';
import { computeTally } from '../tally.ts';
import { fail, pass, type Outcome } from './outcome.ts';

export function checkTally(vote: {
  definition: AnyVoteDefinition;
  wellFormed: readonly (Ballot | null)[];
  issuedCount: number;
  presentCount: number;
  tally: unknown;
}): Outcome {
  const { wellFormed, tally } = vote;
  if (wellFormed.some((b) => b === null)) return fail('not_checked', 'not recounted: a ballot is malformed', '未重新计票：有选票格式不正确');
  const recomputed = computeTally(vote.definition, wellFormed, { issued: vote.issuedCount, present: vote.presentCount });
  let published: string;
  try {
    published = bytesToHex(canonicalBytes(tally));
  } catch {
    return fail('tally_mismatch', 'the published tally cannot be canonicalised', '公布的计票结果无法规范化');
  }
  if (bytesToHex(canonicalBytes(recomputed)) !== published)
    return fail(
      'tally_mismatch',
      describeDifference(recomputed, tally, 'en'),
      `重新计票与公布的计票结果不一致：${describeDifference(recomputed, tally, 'zh')}`,
    );
  return pass('the recount equals the published tally, outcomes included', '重新计票与公布的计票结果一致（含表决结论）');
}

/** The first differing path between the recount and the published tally, for a readable report. */
function describeDifference(expected: unknown, actual: unknown, lang: 'en' | 'zh', path = 'tally'): string {
  if (
    typeof expected !== typeof actual ||
    Array.isArray(expected) !== Array.isArray(actual) ||
    expected === null ||
    actual === null ||
    typeof expected !== 'object'
  ) {
    return lang === 'en'
      ? `${path}: recount gives ${JSON.stringify(expected)}, published ${JSON.stringify(actual)}`
      : `${path}：重新计票得 ${valueZh(path, expected)}，公布为 ${valueZh(path, actual)}`;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const k of new Set([...Object.keys(e), ...Object.keys(a)])) {
    const ek = canonicalOrNull(e[k]);
    if (ek !== canonicalOrNull(a[k])) return describeDifference(e[k], a[k], lang, `${path}.${k}`);
  }
  return lang === 'en' ? `${path} differs` : `${path} 不同`;
}

/** A candidate's outcome as the report names it in Chinese. */
const OUTCOME_ZH: Record<string, string> = { elected: '通过', not_elected: '未通过', undecided: '未决' };

/** A tally value in the Chinese report: an outcome by its Chinese name, anything else as JSON. */
function valueZh(path: string, value: unknown): string {
  if (path.endsWith('.outcome') && typeof value === 'string' && Object.hasOwn(OUTCOME_ZH, value)) return OUTCOME_ZH[value]!;
  return JSON.stringify(value);
}

function canonicalOrNull(v: unknown): string | null {
  try {
    return v === undefined ? null : bytesToHex(canonicalBytes(v));
  } catch {
    return null;
  }
}
