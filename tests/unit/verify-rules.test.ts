// Check `rules` alone: the committee's rules and marks; from version 2 ratio and stroke order.
import { describe, expect, it } from 'vitest';
import type { AnyVoteDefinition } from '../../src/protocol/ballot.ts';
import { checkRules } from '../../src/protocol/verify/rules.ts';
import { MARKS_3, RULES } from '../../testkit/protocol-scenario.ts';
import { definitionWith, item } from '../helpers/protocol-ballots.ts';
import { entry } from '../helpers/verify-entries.ts';

const committee = entry(0, 'committee.created', { name: '常委会', kind: 'standing', rules: RULES, marks: MARKS_3 });
const v1 = definitionWith([item('i-1', 1, ['a', 'b'])]);
const named = (names: string[]) => ({ ...item('i-1', 1, []), candidates: names.map((name, i) => ({ candidateId: `c${i}`, name })) });
const v2 = (names: string[], seats = 1): AnyVoteDefinition => ({ ...definitionWith([{ ...named(names), seats }]), version: 2, runoffOf: null });
const check = (def: AnyVoteDefinition, entries = [committee]) => checkRules(entries, entry(5, 'vote.created', { definition: def }), def);

describe('check rules', () => {
  it('passes a version 1 vote with the committee’s rules and marks', () => {
    expect(check(v1)).toMatchObject({ ok: true });
  });
  it('when the vote’s quorum differs from the committee’s / fails with rules_mismatch', () => {
    expect(check({ ...v1, rules: { ...RULES, quorum: { num: 1, den: 2 } } })).toMatchObject({ ok: false, code: 'rules_mismatch' });
  });
  it('when there is no committee.created entry before the vote / fails with rules_mismatch', () => {
    expect(check(v1, [])).toMatchObject({ ok: false, code: 'rules_mismatch' });
  });
  it('passes a version 2 vote with candidates in surname stroke order and the ratio met', () => {
    expect(check(v2(['丁薛祥', '王毅']))).toMatchObject({ ok: true });
  });
  it('when version 2 candidates are not in stroke order / fails with candidate_order', () => {
    expect(check(v2(['王毅', '丁薛祥']))).toMatchObject({ ok: false, code: 'candidate_order' });
  });
  it('when a version 2 item has too few candidates for its seats / fails with candidate_ratio_too_low', () => {
    expect(check(v2(['丁薛祥', '王毅', '李强', '赵乐际'], 3))).toMatchObject({ ok: false, code: 'candidate_ratio_too_low' });
  });
  it('when a version 2 run-off names no earlier vote / fails with runoff_invalid', () => {
    expect(check({ ...v2(['丁薛祥', '王毅']), runoffOf: 'v-0' })).toMatchObject({ ok: false, code: 'runoff_invalid' });
  });
});
