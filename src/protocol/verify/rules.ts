// Check `rules`: the vote's rules and marks are the committee's, as the chain states them when
// the vote was created; from version 2, a vote that is not a run-off meets the candidate ratio,
// a run-off is exactly the run-off its earlier vote's tally calls for, and candidates are in
// the stroke order the rules name. Pure; the stroke data is src/collation's (isomorphic).
import { sortNames } from '../../collation/index.ts';
import { checkCandidateRatio, isCommitteeItem, markZh, type AnyVoteDefinition, type VoteRules } from '../ballot.ts';
import type { ChainEntry } from '../chain.ts';
import { bytesToHex, canonicalBytes } from '../encoding.ts';
import { reasonZh } from '../errors.ts';
import { fail, pass, type Entry, type Outcome } from './outcome.ts';

const same = (a: unknown, b: unknown) => bytesToHex(canonicalBytes(a)) === bytesToHex(canonicalBytes(b));

/** How the rules name the stroke order, in Chinese. */
const COLLATION_ZH: Record<VoteRules['collation'], string> = { surname: '姓氏', fullname: '姓名' };
const collationZh = (c: string) => (Object.hasOwn(COLLATION_ZH, c) ? COLLATION_ZH[c as VoteRules['collation']] : JSON.stringify(c));

/** A rule's value as the Chinese report states it (a fraction as num/den, a base as 应到 or 实到). */
function ruleValueZh(field: string, value: unknown): string {
  if (field === 'majorityBase') return value === 'entitled' ? '应到' : value === 'present' ? '实到' : JSON.stringify(value);
  if (field === 'collation' && typeof value === 'string') return `按${collationZh(value)}笔画`;
  if (field === 'quorum' && value && typeof value === 'object') {
    const q = value as { num?: unknown; den?: unknown };
    if (typeof q.num === 'number' && typeof q.den === 'number') return `${q.num}/${q.den}`;
  }
  return JSON.stringify(value) ?? String(value);
}

export function checkRules(entries: readonly ChainEntry[], created: Entry<'vote.created'>, def: AnyVoteDefinition): Outcome {
  // There is no entry that changes a committee's rules: they are those of committee.created.
  const committee = entries.filter((e): e is Entry<'committee.created'> => e.kind === 'committee.created' && e.seq < created.seq);
  if (committee.length !== 1)
    return fail(
      'rules_mismatch',
      `${committee.length} committee.created entries before the vote, expected 1`,
      `表决前有 ${committee.length} 个 committee.created 项，应为 1 个`,
    );
  const { rules, marks } = committee[0]!.body;
  if (!same(def.rules, rules)) {
    const field = (Object.keys(rules) as (keyof typeof rules)[]).find((k) => !same(def.rules[k], rules[k])) ?? 'rules';
    return fail(
      'rules_mismatch',
      `the vote's rules.${field} is ${JSON.stringify(def.rules[field as keyof typeof rules])}, the committee's ${JSON.stringify(rules[field as keyof typeof rules])}`,
      `表决的 rules.${field} 为 ${ruleValueZh(field, def.rules[field as keyof typeof rules])}，委员会的为 ${ruleValueZh(field, rules[field as keyof typeof rules])}`,
    );
  }
  if (!same(def.marks, marks))
    return fail(
      'rules_mismatch',
      `the vote offers ${def.marks.join(', ')}, the committee ${marks.join(', ')}`,
      `表决提供的划票选项为 ${def.marks.map(markZh).join('、')}，委员会的为 ${marks.map(markZh).join('、')}`,
    );
  if (def.version !== 2)
    return pass(
      'rules and marks are the committee’s (a version 1 definition does not say whether it is a run-off; ratio and stroke order not checked)',
      '规则和划票选项均与委员会的一致（第 1 版表决定义未载明是否为再次票决；人选比例与笔画顺序未检查）',
    );

  if (def.runoffOf === null || def.runoffOf === undefined) {
    for (const item of def.items) {
      try {
        checkCandidateRatio(item, def.rules.minCandidateRatio);
      } catch (e) {
        return fail('candidate_ratio_too_low', (e as Error).message, `人选比例不足：${reasonZh(e)}`);
      }
    }
  } else {
    const problem = runoffProblem(entries, created, def, def.runoffOf);
    if (problem) return fail('runoff_invalid', problem.en, `再次票决不成立：${problem.zh}`);
  }

  for (const item of def.items) {
    // An evaluation lists cadres in the unit's order (by post), not in stroke order.
    if ('shape' in item && item.shape === 'evaluation') continue;
    const names = item.candidates.map((c) => c.name);
    const sorted = sortNames(names, def.rules.collation).names;
    const at = names.findIndex((n, i) => n !== sorted[i]);
    if (at >= 0)
      return fail(
        'candidate_order',
        `item ${item.itemId}: candidate ${at + 1} (${names[at]}) is out of ${def.rules.collation} stroke order; expected ${sorted.join('、')}`,
        `事项 ${item.itemId}：第 ${at + 1} 位候选人（${names[at]}）不符合${collationZh(def.rules.collation)}笔画顺序；应为 ${sorted.join('、')}`,
      );
  }
  const kind = def.runoffOf ? `a run-off of vote ${def.runoffOf}` : `candidate ratio 1 : ${def.rules.minCandidateRatio} met`;
  const kindZh = def.runoffOf ? `为表决 ${def.runoffOf} 的再次票决` : `人选比例 1 : ${def.rules.minCandidateRatio} 已满足`;
  return pass(
    `rules and marks are the committee’s; ${kind}; candidates in ${def.rules.collation} stroke order`,
    `规则和划票选项均与委员会的一致；${kindZh}；候选人按${collationZh(def.rules.collation)}笔画顺序排列`,
  );
}

/** Why the definition is not the run-off its earlier vote's tally calls for (null when it is). */
function runoffProblem(entries: readonly ChainEntry[], created: Entry<'vote.created'>, def: AnyVoteDefinition, of: string): { en: string; zh: string } | null {
  const earlier = entries.find((e): e is Entry<'vote.created'> => e.kind === 'vote.created' && e.seq < created.seq && e.body.definition.voteId === of);
  const closed = entries.find((e): e is Entry<'vote.closed'> => e.kind === 'vote.closed' && e.seq < created.seq && e.body.voteId === of);
  if (!earlier || !closed)
    return {
      en: `vote ${of}, which this vote would be a run-off of, is not created and closed earlier in the chain`,
      zh: `本表决所称的原表决 ${of} 未在哈希链中先行创建并结束`,
    };
  if (earlier.body.definition.meetingId !== def.meetingId) return { en: `vote ${of} belongs to another meeting`, zh: `表决 ${of} 属于另一次会议` };
  const wanted = (Array.isArray(closed.body.tally?.items) ? closed.body.tally.items : []).filter((it) => it && it.runoff);
  if (wanted.length !== def.items.length)
    return {
      en: `vote ${of} leaves ${wanted.length} items undecided, the run-off has ${def.items.length}`,
      zh: `表决 ${of} 有 ${wanted.length} 个事项未决，而再次票决有 ${def.items.length} 个事项`,
    };
  for (const [i, item] of def.items.entries()) {
    const w = wanted[i]!;
    if (!isCommitteeItem(item))
      return {
        en: `item ${item.itemId} is a ${item.shape} item; a run-off holds committee items only`,
        zh: `事项 ${item.itemId} 为${item.shape === 'recommendation' ? '民主推荐' : '民主测评'}事项；再次票决只能包含票决事项`,
      };
    const source = earlier.body.definition.items.find((it) => it.itemId === w.itemId);
    const names = (w.runoff!.candidateIds ?? []).map((id) => source?.candidates.find((c) => c.candidateId === id)?.name);
    const mine = item.candidates.map((c) => c.name);
    if (item.post !== w.post || item.seats !== w.runoff!.seats || !same([...names].sort(), [...mine].sort())) {
      return {
        en: `item ${item.itemId} is not the run-off of item ${w.itemId} of vote ${of} (${w.runoff!.seats} seats among ${names.join('、')})`,
        zh: `事项 ${item.itemId} 不是表决 ${of} 事项 ${w.itemId} 的再次票决（应在 ${names.join('、')} 中选出 ${w.runoff!.seats} 名）`,
      };
    }
  }
  return null;
}
