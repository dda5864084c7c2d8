// The close builds a large entry's canonical JSON from parts already canonical (src/chain/
// canonical-text.ts): the text, its members and its hash must be exactly what canonicalBytes and
// the protocol's hashes give for the whole value, or the record would not verify.
import { describe, expect, it } from 'vitest';
import { CanonicalText, canonicalArrayText, canonicalMembers, canonicalObjectText, canonicalText, sha256Hex } from '../../src/chain/canonical-text.ts';
import { hashEntry } from '../../src/protocol/chain.ts';
import { preparedHash, type PreparedClose } from '../../src/protocol/close.ts';
import { ballotHash, type Ballot } from '../../src/protocol/ballot.ts';
import { sealedBallotText } from '../../src/protocol/ballot-v2.ts';

/** Keys that sort differently as code units and as numbers, escapes, non-BMP text, nesting. */
const awkward = {
  b: [1, 2.5, -0, 1e21, 'x"y\\z', { '10': 'ten', '2': 'two', é: 'e', '\u{1F600}': null }],
  a: { nested: { '"quoted"': [[], {}], 'line\nbreak': true } },
  中文: '民主推荐',
  skipped: undefined,
};

const ballot: Ballot = {
  voteId: '00000000-0000-4000-8000-000000000001',
  ballotPublicKey: 'A'.repeat(43),
  signature: 'B'.repeat(64),
  ballotSignature: 'C'.repeat(86),
  choices: { i1: { c1: 'recommend', c10: 'blank', c2: 'blank' } },
};

describe('canonical text built from canonical parts', () => {
  it('an object with spliced members is canonicalBytes of the whole, in whatever order the members come', () => {
    const whole = canonicalText(awkward);
    const spliced = canonicalObjectText({ 中文: awkward.中文, b: new CanonicalText(canonicalText(awkward.b)), a: awkward.a, skipped: undefined });
    expect(spliced).toBe(whole);
    expect(canonicalArrayText(awkward.b.map((x) => canonicalText(x)))).toBe(canonicalText(awkward.b));
  });

  it('splits a canonical object into its members, keys decoded and values sliced as they are', () => {
    const members = canonicalMembers(canonicalText(awkward));
    expect([...members.keys()]).toEqual(['a', 'b', '中文']);
    for (const [key, value] of members) expect(value.text).toBe(canonicalText(awkward[key as keyof typeof awkward]));
    expect(canonicalObjectText(Object.fromEntries(members))).toBe(canonicalText(awkward));
    expect(canonicalMembers('{}').size).toBe(0);
    expect(canonicalMembers(canonicalText({ '"}': '{"],', z: [{ '\\': '"' }] })).get('z')!.text).toBe('[{"\\\\":"\\""}]');
  });

  it('hashes as the protocol does: an entry (hashEntry), a prepared close (preparedHash), a ballot (ballotHash)', () => {
    const entry = { committeeId: 'c-1', seq: 12, prev: 'f'.repeat(64), kind: 'vote.closed', body: awkward };
    expect(sha256Hex(canonicalObjectText({ ...entry, body: new CanonicalText(canonicalText(awkward)) }))).toBe(hashEntry(entry));
    const prepared: PreparedClose = {
      voteId: ballot.voteId,
      issuances: [],
      ballots: [ballot, ballot],
      tally: { returned: 2 } as PreparedClose['tally'],
      tallySignature: 'sig',
      by: 'secretary',
      slipTokens: ['p1', 'p2'],
    };
    const text = canonicalObjectText({ ...prepared, ballots: new CanonicalText(canonicalArrayText([canonicalText(ballot), canonicalText(ballot)])) });
    expect(text).toBe(canonicalText(prepared));
    expect(sha256Hex(text)).toBe(preparedHash(prepared));
    // The stored ballot, less its padding, is the text its ballot hash covers.
    expect(sha256Hex(sealedBallotText(ballot).trimEnd())).toBe(ballotHash(ballot));
  });
});
