// Check `ballots` alone: every ballot fits the definition.
import { describe, expect, it } from 'vitest';
import { validateBallot, type Ballot } from '../../src/protocol/ballot.ts';
import { checkBallots } from '../../src/protocol/verify/ballots.ts';
import { definitionWith, fakeBallot, item } from '../helpers/protocol-ballots.ts';

const def = definitionWith([item('i-1', 1, ['a', 'b'])]);
const good = fakeBallot('v-1', 1, { 'i-1': { a: 'approve', b: 'disapprove' } });
const state = (ballots: unknown[]) => ({
  definition: def,
  ballots,
  wellFormed: ballots.map((b): Ballot | null => {
    try {
      return validateBallot(def, b);
    } catch {
      return null;
    }
  }),
});

describe('check ballots', () => {
  it('passes ballots that fit the vote', () => {
    expect(checkBallots(state([good]))).toMatchObject({ ok: true, detail: '1 ballots fit the vote' });
  });
  it('when a ballot marks a candidate the item does not hold / fails with ballot_invalid naming it', () => {
    const stray = { ...good, choices: { 'i-1': { a: 'approve', z: 'approve' } } };
    const outcome = checkBallots(state([good, stray]));
    expect(outcome).toMatchObject({ ok: false, code: 'ballot_invalid' });
    expect(outcome.detail).toMatch(/^ballot 1: /);
  });
  it('when a ballot is not an object / fails with ballot_invalid', () => {
    expect(checkBallots(state([42]))).toMatchObject({ ok: false, code: 'ballot_invalid' });
  });
});
