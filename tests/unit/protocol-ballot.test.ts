import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ballotHash,
  CANDIDATE_POST_MAX,
  proposedPostOf,
  checkCandidateRatio,
  hasQuorum,
  itemKind,
  minimumCandidates,
  overMarkedItems,
  parseVoteDefinition,
  validateBallot,
  type VoteDefinition,
} from '../../src/protocol/ballot.ts';
import { bytesToHex, canonicalBytes } from '../../src/protocol/encoding.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { definitionWith, fakeBallot, item } from '../helpers/protocol-ballots.ts';

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
    const e = errorOf(() => validateBallot(def, { ...fakeBallot('v-1', 1, good), memberId: 'm-1' }));
    expect([e.code, e.field]).toEqual(['invalid_ballot', 'ballot.memberId']);
  });

  it('when t is not 32 bytes / throws invalid_ballot naming t', () => {
    const e = errorOf(() => validateBallot(def, { ...fakeBallot('v-1', 1, good), t: 'AAAA' }));
    expect([e.code, e.field]).toEqual(['invalid_ballot', 't']);
  });

  it('when the signature is not base64url / throws invalid_ballot naming signature', () => {
    const e = errorOf(() => validateBallot(def, { ...fakeBallot('v-1', 1, good), signature: '****' }));
    expect([e.code, e.field]).toEqual(['invalid_ballot', 'signature']);
  });

  it('when the ballot is not an object / throws invalid_ballot', () => {
    expect(errorOf(() => validateBallot(def, 'ballot')).code).toBe('invalid_ballot');
  });
});

describe('ballotHash', () => {
  it('is lower-case hex SHA-256 of canonical JSON, independent of key order', () => {
    const a = fakeBallot('v-1', 1, { B: { b3: 'abstain', b2: 'disapprove', b1: 'approve' }, A: { a1: 'approve' } });
    const b = fakeBallot('v-1', 1, good);
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

describe('parseVoteDefinition: 现任职务 and 拟任职务 (issue 11)', () => {
  const vectorDefinition = (file: string) =>
    (
      JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8')).record.entries as {
        kind: string;
        body: { definition: VoteDefinition };
      }[]
    ).find((e) => e.kind === 'vote.created')!.body.definition;
  const v2 = definitionWith([item('A', 1, ['a1']), item('B', 2, ['b1', 'b2', 'b3'])], { version: 2, runoffOf: null });
  const withPosts = () => {
    const d = structuredClone(v2);
    Object.assign(d.items[0]!.candidates[0]!, { currentPost: '县财政局副局长' });
    Object.assign(d.items[1]!.candidates[2]!, { currentPost: '某镇党委书记', proposedPost: '县委办公室副主任（正科级）' });
    return d;
  };

  it('leaves a version-1 and a version-2 definition without posts exactly as they were (the vectors)', () => {
    for (const file of ['record.json', 'record-v2.json']) {
      const raw = vectorDefinition(file);
      const parsed = parseVoteDefinition(structuredClone(raw));
      expect(parsed).toEqual(raw);
      expect(bytesToHex(canonicalBytes(parsed))).toBe(bytesToHex(canonicalBytes(raw)));
      for (const c of parsed.items.flatMap((it) => it.candidates)) expect(Object.keys(c)).toEqual(['candidateId', 'name']);
    }
  });

  it('keeps the posts of a version-2 definition, each with its candidate, and only where given', () => {
    const d = withPosts();
    const parsed = parseVoteDefinition(structuredClone(d));
    expect(parsed).toEqual(d);
    expect(parsed.items[1]!.candidates.map((c) => [c.name, c.currentPost, c.proposedPost])).toEqual([
      ['name b1', undefined, undefined],
      ['name b2', undefined, undefined],
      ['name b3', '某镇党委书记', '县委办公室副主任（正科级）'],
    ]);
    expect('proposedPost' in parsed.items[0]!.candidates[0]!).toBe(false);
    expect(bytesToHex(canonicalBytes(parsed))).toBe(bytesToHex(canonicalBytes(d)));
  });

  it('shows the item post as 拟任职务 when the candidate has none', () => {
    const d = withPosts();
    expect(proposedPostOf(d.items[0]!, d.items[0]!.candidates[0]!)).toBe('post A');
    expect(proposedPostOf(d.items[1]!, d.items[1]!.candidates[2]!)).toBe('县委办公室副主任（正科级）');
  });

  it(`accepts a post of exactly ${CANDIDATE_POST_MAX} characters`, () => {
    const d = withPosts();
    d.items[0]!.candidates[0]!.currentPost = '局'.repeat(CANDIDATE_POST_MAX);
    expect(parseVoteDefinition(d).items[0]!.candidates[0]!.currentPost).toHaveLength(CANDIDATE_POST_MAX);
  });

  const bad: [string, unknown][] = [
    ['empty', ''],
    [`${CANDIDATE_POST_MAX + 1} characters long`, '局'.repeat(CANDIDATE_POST_MAX + 1)],
    ['not a string', 42],
    ['null', null],
    ['holding NUL', '局\u0000长'],
    ['holding a tab', '局\t长'],
    ['holding a line feed', '局\n长'],
    ['holding DEL', '局\u007f长'],
    ['holding a C1 control', '局\u0085长'],
    ['holding a line separator', '局\u2028长'],
    ['holding a non-character', '局\ufffe长'],
    ['holding a lone surrogate', '局\ud800长'],
    ['padded with spaces', ' 局长'],
  ];
  for (const [what, value] of bad) {
    for (const key of ['currentPost', 'proposedPost'] as const) {
      it(`refuses a ${key} ${what} with invalid_definition naming it`, () => {
        const d = withPosts();
        Object.assign(d.items[1]!.candidates[1]!, { [key]: value });
        const e = errorOf(() => parseVoteDefinition(d));
        expect([e.code, e.field]).toEqual(['invalid_definition', `items.1.candidates.1.${key}`]);
      });
    }
  }

  it('refuses posts in a version-1 definition (that format is fixed)', () => {
    const d = structuredClone(def);
    Object.assign(d.items[0]!.candidates[0]!, { currentPost: '县财政局副局长' });
    const e = errorOf(() => parseVoteDefinition(d));
    expect([e.code, e.field]).toEqual(['invalid_definition', 'items.0.candidates.0.currentPost']);
  });

  it('still refuses any other candidate field', () => {
    const d = withPosts();
    Object.assign(d.items[0]!.candidates[0]!, { post: '局长' });
    const e = errorOf(() => parseVoteDefinition(d));
    expect([e.code, e.field]).toEqual(['invalid_definition', 'items.0.candidates.0.post']);
  });
});
