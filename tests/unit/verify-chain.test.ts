// Stage `chain` alone: links, hashes, one committee, and the stated head.
import { describe, expect, it } from 'vitest';
import { makeEntry, type ChainEntry } from '../../src/protocol/chain.ts';
import { checkChain } from '../../src/protocol/verify/chain.ts';
import { members } from '../helpers/verify-entries.ts';
import { RULES, MARKS_3 } from '../../testkit/protocol-scenario.ts';

const e0 = makeEntry(null, 'c-1', 'committee.created', { name: '常委会', kind: 'standing', rules: RULES, marks: MARKS_3 });
const e1 = makeEntry(e0, 'c-1', 'roster.changed', { members: members('m-1', 'm-2') });
const entries: ChainEntry[] = [e0, e1];
const head = { seq: 1, hash: e1.hash };

describe('stage chain', () => {
  it('passes linked entries and gives the head to pin', () => {
    expect(checkChain({ committeeId: 'c-1', entries, statedHead: head })).toMatchObject({ outcome: { ok: true }, next: head });
  });
  it('when an entry is changed without re-hashing / fails with chain_hash', () => {
    const changed = [e0, { ...e1, body: { members: members('m-1') } }];
    expect(checkChain({ committeeId: 'c-1', entries: changed, statedHead: head }).outcome).toMatchObject({ ok: false, code: 'chain_hash' });
  });
  it('when an entry is dropped / fails with chain_seq', () => {
    expect(checkChain({ committeeId: 'c-1', entries: [e1], statedHead: head }).outcome).toMatchObject({ ok: false, code: 'chain_seq' });
  });
  it('when the entries are of another committee than the record / fails with chain_committee', () => {
    expect(checkChain({ committeeId: 'c-2', entries, statedHead: head })).toMatchObject({ outcome: { ok: false, code: 'chain_committee' }, next: null });
  });
  it('when the stated head is not the last entry / fails with chain_head', () => {
    expect(checkChain({ committeeId: 'c-1', entries, statedHead: { seq: 0, hash: e0.hash } }).outcome).toMatchObject({ ok: false, code: 'chain_head' });
  });
});
