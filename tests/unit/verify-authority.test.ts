// Check `authority` (version 2) alone: grants by administrators on the chain; the vote's acts by a secretary.
import { describe, expect, it } from 'vitest';
import type { AnyVoteDefinition } from '../../src/protocol/ballot.ts';
import type { ChainEntry } from '../../src/protocol/chain.ts';
import { checkAuthority } from '../../src/protocol/verify/authority.ts';
import { definitionWith, item } from '../helpers/protocol-ballots.ts';
import { entry } from '../helpers/verify-entries.ts';

const def: AnyVoteDefinition = { ...definitionWith([item('i-1', 1, ['a', 'b'])]), version: 2, runoffOf: null };
const admin = entry(0, 'admin.granted', { personId: 'p-admin' });
const appoint = (by: string) => entry(1, 'secretary.appointed', { personId: 'p-sec', by });
const created = (by: string) => entry(2, 'vote.created', { definition: def, by });
const closed = (by: string) =>
  entry(3, 'vote.closed', {
    voteId: 'v-1',
    issuances: [],
    ballots: [],
    tally: {} as never,
    tallySignature: '',
    by,
    confirmations: [],
    decision: null,
    countersignatures: [],
  });
const check = (entries: ChainEntry[], definition = def) =>
  checkAuthority(entries, {
    definition,
    created: entries.find((e) => e.kind === 'vote.created') as never,
    closed: entries.at(-1) as never,
    attendance: undefined,
  });

describe('check authority', () => {
  it('passes a vote created and closed by a secretary an administrator appointed', () => {
    expect(check([admin, appoint('p-admin'), created('p-sec'), closed('p-sec')])).toMatchObject({ ok: true });
  });
  it('when the secretary was appointed by someone not an administrator / fails with grant_unauthorised', () => {
    expect(check([admin, appoint('p-other'), created('p-sec'), closed('p-sec')])).toMatchObject({ ok: false, code: 'grant_unauthorised' });
  });
  it('when the vote was created by someone not a secretary / fails with actor_not_secretary', () => {
    expect(check([admin, appoint('p-admin'), created('p-admin'), closed('p-sec')])).toMatchObject({ ok: false, code: 'actor_not_secretary' });
  });
  it('when the vote was closed by someone not a secretary / fails with actor_not_secretary', () => {
    expect(check([admin, appoint('p-admin'), created('p-sec'), closed('p-x')])).toMatchObject({ ok: false, code: 'actor_not_secretary' });
  });
  it('passes a version 1 vote, which names nobody', () => {
    expect(check([created('p-x'), closed('p-x')], definitionWith([item('i-1', 1, ['a', 'b'])]))).toMatchObject({ ok: true });
  });
});
