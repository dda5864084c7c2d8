// Check `tally` alone: the recount against the published tally.
import { describe, expect, it } from 'vitest';
import { computeTally } from '../../src/protocol/tally.ts';
import { checkTally } from '../../src/protocol/verify/tally.ts';
import { definitionWith, fakeBallot, item } from '../helpers/protocol-ballots.ts';

const definition = definitionWith([item('i-1', 1, ['a', 'b'])], { entitled: 3 });
const ballots = [fakeBallot('v-1', 1, { 'i-1': { a: 'approve', b: 'disapprove' } }), fakeBallot('v-1', 2, { 'i-1': { a: 'approve', b: 'abstain' } })];
const tally = computeTally(definition, ballots, { issued: 2, present: 3 });
const check = (published: unknown, wellFormed = ballots) => checkTally({ definition, wellFormed, issuedCount: 2, presentCount: 3, tally: published });

describe('check tally', () => {
  it('passes the recount of the ballots', () => {
    expect(check(structuredClone(tally))).toMatchObject({ ok: true });
  });
  it('when the published tally differs / fails with tally_mismatch naming the first differing path', () => {
    const changed = { ...structuredClone(tally), issued: 3 };
    expect(check(changed)).toMatchObject({ ok: false, code: 'tally_mismatch', detail: 'tally.issued: recount gives 2, published 3' });
  });
  it('when the published tally is not an object / fails with tally_mismatch', () => {
    expect(check('elected')).toMatchObject({ ok: false, code: 'tally_mismatch' });
  });
  it('when a ballot is malformed / reports not_checked', () => {
    expect(check(tally, [ballots[0]!, null as never])).toMatchObject({ ok: false, code: 'not_checked' });
  });
});
