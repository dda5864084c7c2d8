import { describe, expect, it } from 'vitest';
import type { Choices, Mark } from '../../src/protocol/ballot.ts';
import { approvalsRequired, computeTally } from '../../src/protocol/tally.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { definitionWith, fakeBallot, item } from '../helpers/protocol-ballots.ts';

/** n ballots, each choosing marks from `pattern(i)`. */
function ballots(n: number, pattern: (i: number) => Choices) {
  return Array.from({ length: n }, (_, i) => fakeBallot('v-1', i, pattern(i)));
}

const confirm = definitionWith([item('A', 1, ['a1'])]); // entitled 11; 实到 9 passed at close

describe('等额 (confirmation) items', () => {
  it('approves with 6 of 11 entitled (more than half of 应到)', () => {
    const tally = computeTally(
      confirm,
      ballots(9, (i) => ({ A: { a1: i < 6 ? 'approve' : 'disapprove' } })),
      { issued: 9, present: 9 },
    );
    expect(tally.required).toBe(6);
    expect(tally.items[0]!.candidates[0]).toMatchObject({ approve: 6, disapprove: 3, abstain: 0, outcome: 'elected' });
  });

  it('rejects with 5 of 11 entitled even though 5 is a majority of the 9 present', () => {
    const tally = computeTally(
      confirm,
      ballots(9, (i) => ({ A: { a1: i < 5 ? 'approve' : 'abstain' } })),
      { issued: 9, present: 9 },
    );
    expect(tally.items[0]!.candidates[0]).toMatchObject({ approve: 5, abstain: 4, outcome: 'not_elected' });
  });

  it('approves the same 5 when the committee counts from 实到 (present)', () => {
    const def = definitionWith([item('A', 1, ['a1'])], { rules: { ...confirm.rules, majorityBase: 'present' } });
    const tally = computeTally(
      def,
      ballots(9, (i) => ({ A: { a1: i < 5 ? 'approve' : 'abstain' } })),
      { issued: 9, present: 9 },
    );
    expect(tally.required).toBe(5);
    expect(tally.items[0]!.candidates[0]!.outcome).toBe('elected');
  });

  it('exactly half is not more than half: 3 of 6 present fails on the present base', () => {
    const def = definitionWith([item('A', 1, ['a1'])], { rules: { ...confirm.rules, majorityBase: 'present' } });
    const tally = computeTally(
      def,
      ballots(6, (i) => ({ A: { a1: i < 3 ? 'approve' : 'disapprove' } })),
      { issued: 6, present: 6 },
    );
    expect(tally.required).toBe(4);
    expect(tally.present).toBe(6);
    expect(tally.items[0]!.candidates[0]!.outcome).toBe('not_elected');
    expect(approvalsRequired(6)).toBe(4);
  });

  it('states 应到, 实到, 发出, 收回, 有效, 无效', () => {
    const tally = computeTally(
      confirm,
      ballots(8, () => ({ A: { a1: 'approve' } })),
      { issued: 9, present: 9 },
    );
    expect(tally).toMatchObject({ voteId: 'v-1', entitled: 11, present: 9, issued: 9, returned: 8, majorityBase: 'entitled' });
    expect(tally.items[0]).toMatchObject({ kind: 'confirmation', seats: 1, valid: 8, invalid: 0, undecidedSeats: 0, runoff: null });
  });
});

describe('差额 (differential) items', () => {
  const diff = definitionWith([item('B', 2, ['b1', 'b2', 'b3'])], { entitled: 9 });
  const marks = (b1: Mark, b2: Mark, b3: Mark): Choices => ({ B: { b1, b2, b3 } });

  it('2 seats, 3 candidates: the two approved with most 同意 are elected', () => {
    // b1: 8, b2: 6, b3: 5 approvals of 9 entitled (required 5) → b1, b2 elected, b3 approved but out-ranked.
    const pattern = (i: number): Choices =>
      i < 5
        ? marks('approve', i < 3 ? 'approve' : 'disapprove', i < 3 ? 'disapprove' : 'approve')
        : marks('approve', i < 8 ? 'approve' : 'abstain', i === 8 ? 'approve' : 'disapprove');
    const t = computeTally(diff, ballots(9, pattern), { issued: 9, present: 9 });
    const c = t.items[0]!.candidates;
    expect(c.map((x) => [x.candidateId, x.approve, x.outcome])).toEqual([
      ['b1', 9, 'elected'],
      ['b2', 6, 'elected'],
      ['b3', 3, 'not_elected'],
    ]);
    expect(t.items[0]!.runoff).toBeNull();
  });

  it('a tie at the last seat leaves it undecided and names the tied candidates for a run-off', () => {
    // 11 entitled, required 6: b1 8, b2 7, b3 7 → b1 elected; b2 and b3 tie for the second seat.
    const def = definitionWith([item('B', 2, ['b1', 'b2', 'b3'])], { entitled: 11 });
    const pattern = (i: number): Choices =>
      i < 4 ? marks('approve', 'approve', 'disapprove') : i < 8 ? marks('approve', 'disapprove', 'approve') : marks('disapprove', 'approve', 'approve');
    const it0 = computeTally(def, ballots(11, pattern), { issued: 11, present: 11 }).items[0]!;
    expect(it0.candidates.map((x) => [x.candidateId, x.approve, x.outcome])).toEqual([
      ['b1', 8, 'elected'],
      ['b2', 7, 'undecided'],
      ['b3', 7, 'undecided'],
    ]);
    expect(it0.undecidedSeats).toBe(1);
    expect(it0.runoff).toEqual({ seats: 1, candidateIds: ['b2', 'b3'] });
  });

  it('names the tied candidates in definition order with the open seats', () => {
    const pattern = (i: number): Choices =>
      i < 5 ? marks('approve', 'approve', 'disapprove') : i < 9 ? marks('disapprove', 'approve', 'approve') : marks('abstain', 'abstain', 'abstain');
    // b1 5, b2 9, b3 4 (required 5) → b2, b1 elected.
    const t1 = computeTally(diff, ballots(9, pattern), { issued: 9, present: 9 });
    expect(t1.items[0]!.candidates.map((x) => x.outcome)).toEqual(['elected', 'elected', 'not_elected']);
    // b1 7, b2 7, b3 7 → all three tied for two seats.
    const all = (i: number): Choices =>
      [marks('approve', 'approve', 'disapprove'), marks('approve', 'disapprove', 'approve'), marks('disapprove', 'approve', 'approve')][i % 3]!;
    const t2 = computeTally(definitionWith([item('B', 2, ['b1', 'b2', 'b3'])], { entitled: 9 }), ballots(9, all), { issued: 9, present: 9 });
    const it2 = t2.items[0]!;
    expect(it2.candidates.map((x) => [x.approve, x.outcome])).toEqual([
      [6, 'undecided'],
      [6, 'undecided'],
      [6, 'undecided'],
    ]);
    expect(it2.undecidedSeats).toBe(2);
    expect(it2.runoff).toEqual({ seats: 2, candidateIds: ['b1', 'b2', 'b3'] });
  });

  it('a tie below the approval threshold decides nothing: both simply fail', () => {
    const pattern = (i: number): Choices =>
      i < 4 ? marks('approve', 'disapprove', 'abstain') : i < 8 ? marks('disapprove', 'approve', 'abstain') : marks('abstain', 'abstain', 'approve');
    const t = computeTally(diff, ballots(9, pattern), { issued: 9, present: 9 });
    expect(t.items[0]!.candidates.map((x) => x.outcome)).toEqual(['not_elected', 'not_elected', 'not_elected']);
    expect(t.items[0]!.runoff).toBeNull();
  });

  it('an elected candidate above a tie keeps the seat; the tied ones share the rest', () => {
    const d = definitionWith([item('C', 2, ['c1', 'c2', 'c3', 'c4'])], { entitled: 9 });
    const m = (a: Mark, b: Mark, c: Mark, e: Mark): Choices => ({ C: { c1: a, c2: b, c3: c, c4: e } });
    // c1 9, c2 5, c3 4 + 1 = 5, c4 0 — required 5.
    const pattern = (i: number): Choices =>
      i < 5
        ? m('approve', 'approve', 'disapprove', 'abstain')
        : i < 9
          ? m('approve', 'disapprove', 'approve', 'abstain')
          : m('abstain', 'abstain', 'approve', 'abstain');
    const t = computeTally(d, ballots(10, pattern), { issued: 10, present: 10 });
    expect(t.items[0]!.candidates.map((x) => [x.approve, x.outcome])).toEqual([
      [9, 'elected'],
      [5, 'undecided'],
      [5, 'undecided'],
      [0, 'not_elected'],
    ]);
    expect(t.items[0]!.runoff).toEqual({ seats: 1, candidateIds: ['c2', 'c3'] });
  });
});

describe('over-marked items', () => {
  it('count 无效 for that item only; the other items of the ballot still count', () => {
    const def = definitionWith([item('A', 1, ['a1']), item('B', 2, ['b1', 'b2', 'b3'])]);
    const bs = [
      fakeBallot('v-1', 1, { A: { a1: 'approve' }, B: { b1: 'approve', b2: 'approve', b3: 'approve' } }),
      fakeBallot('v-1', 2, { A: { a1: 'approve' }, B: { b1: 'approve', b2: 'disapprove', b3: 'abstain' } }),
    ];
    const t = computeTally(def, bs, { issued: 2, present: 9 });
    expect(t.items[0]).toMatchObject({ valid: 2, invalid: 0 });
    expect(t.items[0]!.candidates[0]!.approve).toBe(2);
    expect(t.items[1]).toMatchObject({ valid: 1, invalid: 1 });
    expect(t.items[1]!.candidates.map((c) => c.approve)).toEqual([1, 0, 0]);
  });
});

describe('malformed ballots', () => {
  it('when a ballot misses an item / throws invalid_ballot naming the ballot index', () => {
    const def = definitionWith([item('A', 1, ['a1']), item('B', 1, ['b1'])]);
    try {
      computeTally(def, [fakeBallot('v-1', 0, { A: { a1: 'approve' }, B: { b1: 'approve' } }), fakeBallot('v-1', 1, { A: { a1: 'approve' } })], {
        issued: 2,
        present: 9,
      });
      expect.unreachable();
    } catch (e) {
      expect((e as ProtocolError).code).toBe('invalid_ballot');
      expect((e as ProtocolError).field).toBe('ballots.1.choices.B');
    }
  });
});
