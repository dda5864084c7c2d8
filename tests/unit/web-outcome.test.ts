// The result sentence the projector and the report print under each item.
import { describe, expect, it } from 'vitest';
import { describeOutcome } from '../../src/web/outcome.ts';
import type { ItemTally, Outcome } from '../../src/protocol/tally.ts';
import type { VoteItem } from '../../src/protocol/ballot.ts';

function item(post: string, seats: number, names: string[]): VoteItem {
  return { itemId: 'i', post, seats, candidates: names.map((name, k) => ({ candidateId: `c${k}`, name })) };
}

function tally(def: VoteItem, outcomes: Outcome[], undecidedSeats = 0): ItemTally {
  return {
    itemId: def.itemId,
    post: def.post,
    kind: def.candidates.length > def.seats ? 'differential' : 'confirmation',
    seats: def.seats,
    valid: 9,
    invalid: 0,
    candidates: def.candidates.map((c, k) => ({
      candidateId: c.candidateId,
      name: c.name,
      approve: 0,
      disapprove: 0,
      abstain: 0,
      defer: 0,
      outcome: outcomes[k]!,
    })),
    undecidedSeats,
    runoff: null,
  };
}

describe('describeOutcome', () => {
  it('等额: 通过 and 未通过 by name', () => {
    const def = item('县财政局局长', 1, ['王小洪']);
    expect(describeOutcome(def, tally(def, ['elected']))).toEqual({ sentence: '县财政局局长：通过：王小洪。', vacancies: 0 });
    expect(describeOutcome(def, tally(def, ['not_elected']))).toEqual({ sentence: '县财政局局长：未通过：王小洪；缺额 1 名。', vacancies: 1 });
  });

  it('差额: 当选, and the seats nobody filled stated as 缺额', () => {
    const def = item('副主任', 2, ['于伟国', '万立骏', '李干杰']);
    expect(describeOutcome(def, tally(def, ['elected', 'elected', 'not_elected'])).sentence).toBe('副主任：当选：于伟国、万立骏。');
    expect(describeOutcome(def, tally(def, ['elected', 'not_elected', 'not_elected']))).toEqual({
      sentence: '副主任：当选：于伟国；缺额 1 名。',
      vacancies: 1,
    });
    expect(describeOutcome(def, tally(def, ['not_elected', 'not_elected', 'not_elected']))).toEqual({
      sentence: '副主任：无人当选；缺额 2 名。',
      vacancies: 2,
    });
  });

  it('a tie at the last seat calls for a run-off, which is not a vacancy', () => {
    const def = item('副县长', 2, ['何卫东', '张国清', '陈文清']);
    expect(describeOutcome(def, tally(def, ['elected', 'undecided', 'undecided'], 1))).toEqual({
      sentence: '副县长：当选：何卫东；张国清、陈文清 票数相同，须再次票决 1 名。',
      vacancies: 0,
    });
  });
});
