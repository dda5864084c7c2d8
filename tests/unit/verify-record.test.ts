// Stage `record` alone: the record's exact shape, and entries that parse.
import { describe, expect, it } from 'vitest';
import { makeEntry } from '../../src/protocol/chain.ts';
import { readRecord } from '../../src/protocol/verify/record.ts';
import { RULES, MARKS_3 } from '../../testkit/protocol-scenario.ts';

const genesis = makeEntry(null, 'c-1', 'committee.created', { name: '常委会', kind: 'standing', rules: RULES, marks: MARKS_3 });
const record = { committeeId: 'c-1', voteId: 'v-1', entries: [genesis], head: { seq: 0, hash: genesis.hash } };

describe('stage record', () => {
  it('reads a well-formed record into the state the chain check takes', () => {
    const { outcome, next } = readRecord(structuredClone(record));
    expect(outcome).toMatchObject({ ok: true, detail: '1 entries' });
    expect(next).toMatchObject({ committeeId: 'c-1', voteId: 'v-1', statedHead: record.head, entries: [genesis] });
  });
  it.each([
    ['the record is not an object', 'not a record'],
    ['voteId is not a string', { ...record, voteId: 7 }],
    ['entries are empty', { ...record, entries: [] }],
    ['head is not { seq, hash }', { ...record, head: { seq: 0 } }],
    ['head holds more than seq and hash', { ...record, head: { ...record.head, extra: 1 } }],
    ['the record carries keys', { ...record, jwks: { keys: [] } }],
    ['an entry does not parse', { ...record, entries: [{ ...genesis, kind: 'nonsense' }] }],
    ['an entry holds a lone surrogate', { ...record, entries: [{ ...genesis, body: { ...genesis.body, name: '\ud800' } }] }],
  ])('when %s / fails with record_malformed and no state', (_, input) => {
    const { outcome, next } = readRecord(input);
    expect(outcome).toMatchObject({ ok: false, code: 'record_malformed' });
    expect(next).toBeNull();
  });
});
