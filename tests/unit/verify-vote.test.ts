// Stage `vote` alone: one creation, one close after it, the record ending there; the
// definition is the committee's and its key a valid G2 point.
import { describe, expect, it } from 'vitest';
import type { ChainEntry } from '../../src/protocol/chain.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { generateVoteKey } from '../../src/protocol/tokens.ts';
import { findVote } from '../../src/protocol/verify/vote.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';
import { definitionWith, item } from '../helpers/protocol-ballots.ts';
import { entry, members } from '../helpers/verify-entries.ts';

const key = toBase64url(generateVoteKey(seededRandom('verify-vote')).publicKey);
const def = definitionWith([item('i-1', 1, ['a', 'b'])], { publicKey: key });
const created = (seq: number, d = def) => entry(seq, 'vote.created', { definition: d });
const closed = (seq: number, voteId = 'v-1') => entry(seq, 'vote.closed', { voteId, issuances: [], ballots: [], tally: {} as never, tallySignature: '' });
const roster = entry(0, 'roster.changed', { members: members('m-1') });
const find = (entries: ChainEntry[]) => findVote({ committeeId: 'c-1', voteId: 'v-1', entries });

describe('stage vote', () => {
  it('finds the vote, its key and its version', () => {
    const found = find([roster, created(1), closed(2)]);
    expect(found.outcome.ok).toBe(true);
    expect(found.version).toBe(1);
    expect(found.next?.created.seq).toBe(1);
    expect(found.next?.closed.seq).toBe(2);
  });
  it.each<[string, ChainEntry[], string]>([
    ['no vote.created', [roster, closed(1)], 'vote_missing'],
    ['two vote.created', [created(0), created(1), closed(2)], 'vote_duplicate'],
    ['two vote.closed', [created(0), closed(1), closed(2)], 'vote_duplicate'],
    ['no vote.closed', [roster, created(1)], 'vote_not_closed'],
    ['the close before the creation', [closed(0), created(1)], 'vote_not_closed'],
    ['an entry after the close', [created(0), closed(1), roster], 'entries_after_close'],
    ['a vote of another committee', [created(0, { ...def, committeeId: 'c-2' }), closed(1)], 'vote_definition_invalid'],
    ['a key that is not a G2 point', [created(0, { ...def, publicKey: toBase64url(new Uint8Array(96)) }), closed(1)], 'vote_key_invalid'],
  ])('when %s / fails with %s and no vote', (_, entries, code) => {
    const found = find(entries);
    expect(found.outcome).toMatchObject({ ok: false, code });
    expect(found.next).toBeNull();
  });
  it('when a version 2 vote fails later / still reports its version', () => {
    const v2 = { ...def, version: 2 as const, runoffOf: null };
    expect(find([created(0, v2), closed(1), roster]).version).toBe(2);
  });
});
