// Check `ballotOrder` alone: strictly ascending ballot hashes.
import { describe, expect, it } from 'vitest';
import { checkBallotOrder } from '../../src/protocol/verify/ballot-order.ts';

describe('check ballotOrder', () => {
  it('passes strictly ascending hashes', () => {
    expect(checkBallotOrder({ hashes: ['01', '02', 'ff'] }).ok).toBe(true);
  });
  it('when two hashes are out of order / fails with ballot_order naming the later ballot', () => {
    expect(checkBallotOrder({ hashes: ['01', 'ff', '02'] })).toMatchObject({
      ok: false,
      code: 'ballot_order',
      detail: 'ballot 2 is not after ballot 1 in hash order',
    });
  });
  it('when a hash repeats (the same ballot twice) / fails with ballot_order', () => {
    expect(checkBallotOrder({ hashes: ['01', '01'] })).toMatchObject({ ok: false, code: 'ballot_order' });
  });
});
