import { describe, expect, it } from 'vitest';
import {
  ballotHash,
  checkCandidateRatio,
  hasQuorum,
  itemKind,
  minimumCandidates,
  overMarkedItems,
  parseVoteDefinition,
  validateBallot,
} from '../../src/protocol/ballot.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { definitionWith, fakeBallot, item } from '../support/protocol-ballots.ts';

function errorOf(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e;
    throw e;
  }
  throw new Error('expected a ProtocolError');
}

const def = definitionWith([item('A', 1, ['a1']), item('B', 2, ['b1', 'b2', 'b3'])]);
const good = { A: { a1: 'approve' }, B: { b1: 'approve', b2: 'disapprove', b3: 'abstain' } } as const;

describe('validateBallot', () => {
  it('accepts a ballot that marks every candidate of every item', () => {
    expect(validateBallot(def, fakeBallot('v-1', 1, structuredClone(good) as never))).toBeTruthy();
  });

  it('accepts an over-marked item (it is counted 无效, not refused)', () => {
    const b = fakeBallot('v-1', 1, { A: { a1: 'approve' }, B: { b1: 'approve', b2: 'approve', b3: 'approve' } });
    expect(validateBallot(def, b)).toBe(b);
    expect(overMarkedItems(def, b.choices)).toEqual(['B']);
  });

  const cases: [string, unknown, string][] = [
    ['an unknown item', { ...good, Z: { z: 'approve' } }, 'choices.Z'],
    ['a missing item', { A: good.A }, 'choices.B'],
    ['an unknown candidate', { ...good, B: { ...good.B, b9: 'approve' } }, 'choices.B.b9'],
    ['a missing candidate', { ...good, B: { b1: 'approve', b2: 'approve' } }, 'choices.B.b3'],
    ['a mark the vote does not offer', { ...good, A: { a1: 'defer' } }, 'choices.A.a1'],
    ['a mark that is no mark at all', { ...good, A: { a1: 'yes' } }, 'choices.A.a1'],
    ['choices that are not an object', [], 'choices'],
  ];
  for (const [what, choices, field] of cases) {
    it(`when the ballot has ${what} / throws invalid_ballot naming ${field}`, () => {
      const e = errorOf(() => validateBallot(def, fakeBallot('v-1', 1, choices as never)));
      expect(e.code).toBe('invalid_ballot');
      expect(e.field).toBe(field);
    });
  }

  it('when the ballot names another vote / throws invalid_ballot', () => {
    expect(errorOf(() => validateBallot(def, fakeBallot('v-2', 1, good as never))).field).toBe('voteId');
  });

  it('when the ballot carries an extra field / throws invalid_ballot', () => {
    const e = errorOf(() => validateBallot(def, { ...fakeBallot('v-1', 1, good as never), memberId: 'm-1' }));
    expect([e.code, e.field]).toEqual(['invalid_ballot', 'ballot.memberId']);
  });

  it('when t is not 32 bytes / throws invalid_ballot naming t', () => {
    const e = errorOf(() => validateBallot(def, { ...fakeBallot('v-1', 1, good as never), t: 'AAAA' }));
    expect([e.code, e.field]).toEqual(['invalid_ballot', 't']);
  });

  it('when the signature is not base64url / throws invalid_ballot naming signature', () => {
    const e = errorOf(() => validateBallot(def, { ...fakeBallot('v-1', 1, good as never), signature: '****' }));
    expect([e.code, e.field]).toEqual(['invalid_ballot', 'signature']);
  });

  it('when the ballot is not an object / throws invalid_ballot', () => {
    expect(errorOf(() => validateBallot(def, 'ballot')).code).toBe('invalid_ballot');
  });
});

describe('ballotHash', () => {
  it('is lower-case hex SHA-256 of canonical JSON, independent of key order', () => {
    const a = fakeBallot('v-1', 1, { B: { b3: 'abstain', b2: 'disapprove', b1: 'approve' }, A: { a1: 'approve' } });
    const b = fakeBallot('v-1', 1, good as never);
    expect(ballotHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(ballotHash(a)).toBe(ballotHash(b));
    expect(ballotHash(fakeBallot('v-1', 2, good as never))).not.toBe(ballotHash(b));
  });
});

describe('items and the candidate ratio', () => {
  it('n = k is 等额 (confirmation), n > k is 差额 (differential)', () => {
    expect(itemKind(item('A', 1, ['a']))).toBe('confirmation');
    expect(itemKind(item('B', 2, ['a', 'b', 'c']))).toBe('differential');
  });

  it('1 : 1.5 means n ≥ ⌈1.5k⌉: 1 seat → 2, 2 → 3, 3 → 5, 4 → 6', () => {
    expect([1, 2, 3, 4].map((k) => minimumCandidates(k, 1.5))).toEqual([2, 3, 5, 6]);
    expect(minimumCandidates(5, 1.2)).toBe(6);
  });

  it('accepts 2 seats with 3 candidates and 3 seats with 5', () => {
    expect(() => checkCandidateRatio(item('B', 2, ['a', 'b', 'c']), 1.5)).not.toThrow();
    expect(() => checkCandidateRatio(item('B', 3, ['a', 'b', 'c', 'd', 'e']), 1.5)).not.toThrow();
  });

  it('when 3 seats have only 4 candidates / throws candidate_ratio_too_low', () => {
    expect(errorOf(() => checkCandidateRatio(item('B', 3, ['a', 'b', 'c', 'd']), 1.5)).code).toBe('candidate_ratio_too_low');
  });

  it('exempts confirmation items', () => {
    expect(() => checkCandidateRatio(item('A', 2, ['a', 'b']), 1.5)).not.toThrow();
  });

  it('quorum is present ≥ ⅔ of entitled, in integers', () => {
    expect(hasQuorum(8, 11, { num: 2, den: 3 })).toBe(true); // 24 ≥ 22
    expect(hasQuorum(7, 11, { num: 2, den: 3 })).toBe(false); // 21 < 22
    expect(hasQuorum(6, 9, { num: 2, den: 3 })).toBe(true);
  });
});

describe('parseVoteDefinition', () => {
  it('round-trips a well-formed definition', () => {
    expect(parseVoteDefinition(structuredClone(def))).toEqual(def);
  });

  const broken: [string, (d: ReturnType<typeof structuredClone<typeof def>>) => void, string][] = [
    ['repeats a candidate id', (d) => d.items[1]!.candidates.push({ candidateId: 'b1', name: 'x' }), 'items.1.candidates.3.candidateId'],
    ['has more seats than candidates', (d) => (d.items[0]!.seats = 2), 'items.0.candidates'],
    ['offers no approve mark', (d) => (d.marks = ['disapprove', 'abstain']), 'marks'],
    ['still carries 实到 (present is fixed at close, not in the definition)', (d) => Object.assign(d, { present: 9 }), 'definition.present'],
    ['has an entitled count of 0', (d) => (d.entitled = 0), 'entitled'],
    ['has a short public key', (d) => (d.publicKey = 'AAAA'), 'publicKey'],
  ];
  for (const [what, mutate, field] of broken) {
    it(`when the definition ${what} / throws invalid_definition naming ${field}`, () => {
      const d = structuredClone(def);
      mutate(d);
      const e = errorOf(() => parseVoteDefinition(d));
      expect([e.code, e.field]).toEqual(['invalid_definition', field]);
    });
  }
});
