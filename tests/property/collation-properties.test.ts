import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNames, sortNames, type Convention } from '../../src/collation/index.ts';

// Names drawn from a mix of known (shape and class-only), Unihan-only and Latin characters, so
// every key form occurs.
const CHARS = [...'丁于万王毅小洪龚正马刘䶮㑇𬇕㐀乃依木亚森·　'];
const hanName = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 5 }).map((cs) => cs.join(''));
const latinName = fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,8}$/);
const names = fc.array(fc.oneof(hanName, latinName), { maxLength: 40 });
const convention = fc.constantFrom<Convention>('surname', 'fullname');

describe('sortNames properties', () => {
  it('is idempotent: sorting a sorted list changes nothing', () => {
    fc.assert(
      fc.property(names, convention, (ns, c) => {
        const once = sortNames(ns, c).names;
        expect(sortNames(once, c).names).toEqual(once);
      }),
    );
  });
  it('is permutation-invariant up to ties: any shuffle sorts to the same keys order', () => {
    fc.assert(
      fc.property(names, convention, fc.integer(), (ns, c, seed) => {
        const shuffledNames = [...ns].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
        const a = sortNames(ns, c).names;
        const b = sortNames(shuffledNames, c).names;
        // Equal-key names may swap (stability follows input order); compare positions by class.
        expect(a.length).toBe(b.length);
        a.forEach((n, i) => expect(compareNames(n, b[i]!, c)).toBe(0));
        expect([...a].sort()).toEqual([...ns].sort());
      }),
    );
  });
  it('returns a permutation of the input and agrees with compareNames pairwise', () => {
    fc.assert(
      fc.property(names, convention, (ns, c) => {
        const out = sortNames(ns, c).names;
        for (let i = 1; i < out.length; i++) expect(compareNames(out[i - 1]!, out[i]!, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
  it('compareNames is antisymmetric', () => {
    fc.assert(
      fc.property(fc.oneof(hanName, latinName), fc.oneof(hanName, latinName), convention, (a, b, c) => {
        // (sum, not negation: Object.is would tell 0 from -0 when a and b tie)
        expect(Math.sign(compareNames(a, b, c)) + Math.sign(compareNames(b, a, c))).toBe(0);
      }),
    );
  });
});
