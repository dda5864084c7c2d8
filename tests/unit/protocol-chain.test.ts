import { describe, expect, it } from 'vitest';
import { GENESIS_PREV, hashEntry, makeEntry, parseEntry, verifyChainLinks, type ChainEntry } from '../../src/protocol/chain.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { buildScenario, MARKS_3, RULES } from '../../testkit/protocol-scenario.ts';

const scenario = await buildScenario('chain-test', { memberCount: 4, presentCount: 3 });
const entries = scenario.record.entries;

describe('makeEntry and hashEntry', () => {
  it('starts at seq 0 with 64 zeros as prev and links every entry to the one before', () => {
    expect(entries[0]!.seq).toBe(0);
    expect(entries[0]!.prev).toBe(GENESIS_PREV);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prev).toBe(entries[i - 1]!.hash);
  });

  it('hashes the entry without its hash field, whatever order the keys come in', () => {
    const e = entries[0]!;
    const reordered = { hash: 'ignored', body: e.body, kind: e.kind, prev: e.prev, seq: e.seq, committeeId: e.committeeId };
    expect(hashEntry(reordered)).toBe(e.hash);
  });

  it('when the body is malformed / throws invalid_entry naming the field', () => {
    try {
      makeEntry(entries[0]!, 'c-1', 'attendance.recorded', { meetingId: 'mt', present: ['b', 'a'], entitled: 3 });
      expect.unreachable();
    } catch (e) {
      expect((e as ProtocolError).code).toBe('invalid_entry');
      expect((e as ProtocolError).field).toBe('body.present');
    }
  });

  it('committee.created carries the marks: missing or without approve / throws invalid_entry', () => {
    expect(() => makeEntry(null, 'c-1', 'committee.created', { name: 'x', kind: 'standing', rules: RULES } as never)).toThrowError(
      expect.objectContaining({ code: 'invalid_entry', field: 'body.marks' }),
    );
    expect(() => makeEntry(null, 'c-1', 'committee.created', { name: 'x', kind: 'standing', rules: RULES, marks: ['disapprove'] })).toThrowError(
      expect.objectContaining({ code: 'invalid_entry', field: 'body.marks' }),
    );
    expect(
      makeEntry(null, 'c-1', 'committee.created', { name: 'x', kind: 'standing', rules: RULES, marks: ['approve', 'disapprove', 'abstain', 'defer'] }).body
        .marks,
    ).toHaveLength(4);
  });

  it('when the previous entry is of another committee / throws invalid_entry', () => {
    expect(() => makeEntry(entries[0]!, 'c-2', 'committee.created', { name: 'x', kind: 'standing', rules: RULES, marks: MARKS_3 })).toThrowError(
      expect.objectContaining({ code: 'invalid_entry' }),
    );
  });

  it('when a device entry states a fingerprint of another key / throws invalid_entry', () => {
    const enrolled = entries.find((e) => e.kind === 'device.enrolled')!;
    const raw = structuredClone(enrolled) as Record<string, any>;
    raw.body.fingerprint = '0'.repeat(64);
    expect(() => parseEntry(raw)).toThrowError(expect.objectContaining({ code: 'invalid_entry' }));
  });
});

describe('verifyChainLinks', () => {
  it('accepts the chain and returns its head', () => {
    expect(verifyChainLinks(entries)).toEqual({ ok: true, head: scenario.record.head });
  });

  it('when an entry body changes / reports chain_hash at that index', () => {
    const copy = structuredClone<ChainEntry[]>(entries);
    (copy[1]!.body as { members: { name: string }[] }).members[0]!.name = '张三';
    expect(verifyChainLinks(copy)).toMatchObject({ ok: false, code: 'chain_hash', index: 1 });
  });

  it('when an entry is re-hashed after a change / reports chain_link at the next index', () => {
    const copy = structuredClone<ChainEntry[]>(entries);
    (copy[1]!.body as { members: { name: string }[] }).members[0]!.name = '张三';
    copy[1]!.hash = hashEntry(copy[1]!);
    expect(verifyChainLinks(copy)).toMatchObject({ ok: false, code: 'chain_link', index: 2 });
  });

  it('when an entry is dropped / reports chain_seq', () => {
    expect(verifyChainLinks([...entries.slice(0, 2), ...entries.slice(3)])).toMatchObject({ ok: false, code: 'chain_seq', index: 2 });
  });

  it('when entries is not an array / reports record_malformed', () => {
    expect(verifyChainLinks({})).toMatchObject({ ok: false, code: 'record_malformed' });
  });

  it('accepts a pinned head that is an earlier entry of this chain', () => {
    const pin = { seq: 3, hash: entries[3]!.hash };
    expect(verifyChainLinks(entries, pin).ok).toBe(true);
  });

  it('when the chain is truncated before the pinned head / reports pinned_head_mismatch', () => {
    const pin = { seq: entries.length - 1, hash: entries.at(-1)!.hash };
    expect(verifyChainLinks(entries.slice(0, -1), pin)).toMatchObject({ ok: false, code: 'pinned_head_mismatch' });
  });

  it('when history was rewritten below the pinned head / reports pinned_head_mismatch', () => {
    const pin = { seq: 2, hash: entries[2]!.hash };
    // A consistent fork: rebuild every entry from seq 1 with one change.
    const forked: ChainEntry[] = [entries[0]!];
    for (const e of entries.slice(1)) {
      const body = structuredClone(e.body) as never;
      if (e.seq === 1) (body as { members: { name: string }[] }).members[0]!.name = '张三';
      forked.push(makeEntry(forked.at(-1)!, e.committeeId, e.kind, body));
    }
    expect(verifyChainLinks(forked).ok).toBe(true);
    expect(verifyChainLinks(forked, pin)).toMatchObject({ ok: false, code: 'pinned_head_mismatch', index: 2 });
  });
});
