import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mark } from '../../src/protocol/ballot.ts';
import { canonicalBytes, bytesToHex } from '../../src/protocol/encoding.ts';
import { computeTally } from '../../src/protocol/tally.ts';
import { definitionWith, fakeBallot, item } from '../helpers/protocol-ballots.ts';

const mark = fc.constantFrom<Mark>('approve', 'disapprove', 'abstain');
const def = definitionWith([item('A', 1, ['a1']), item('B', 2, ['b1', 'b2', 'b3'])], { entitled: 11 });
const choice = fc.record({ A: fc.record({ a1: mark }), B: fc.record({ b1: mark, b2: mark, b3: mark }) });

describe('tally (property)', () => {
  it('does not depend on the order of the ballots', () => {
    fc.assert(
      fc.property(
        fc.array(choice, { maxLength: 11 }).chain((cs) =>
          fc.tuple(
            fc.constant(cs),
            fc.shuffledSubarray(
              cs.map((_, i) => i),
              { minLength: cs.length, maxLength: cs.length },
            ),
          ),
        ),
        ([cs, order]) => {
          const bs = cs.map((c, i) => fakeBallot('v-1', i, c));
          const a = computeTally(def, bs, { issued: 11, present: 11 });
          const b = computeTally(
            def,
            order.map((i) => bs[i]!),
            { issued: 11, present: 11 },
          );
          expect(bytesToHex(canonicalBytes(b))).toBe(bytesToHex(canonicalBytes(a)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('valid + invalid = returned for every item, and elected never exceeds seats', () => {
    fc.assert(
      fc.property(fc.array(choice, { maxLength: 11 }), (cs) => {
        const t = computeTally(
          def,
          cs.map((c, i) => fakeBallot('v-1', i, c)),
          { issued: 11, present: 11 },
        );
        for (const [k, it] of t.items.entries()) {
          expect(it.valid + it.invalid).toBe(t.returned);
          const elected = it.candidates.filter((c) => c.outcome === 'elected').length;
          expect(elected + it.undecidedSeats).toBeLessThanOrEqual(def.items[k]!.seats);
        }
      }),
      { numRuns: 200 },
    );
  });
});
