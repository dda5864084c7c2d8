// The pinned-head rule (protocol/pinned-head.ts), which chain.ts, the verifier, the web client
// and the CLI's pin file all use.
import { describe, expect, it } from 'vitest';
import { advancePin, checkPinnedHead, pinWithin, readPin } from '../../src/protocol/pinned-head.ts';

const h = (n: number) => n.toString(16).padStart(64, '0');
const entries = [0, 1, 2, 3].map((i) => ({ hash: h(i) }));

describe('checkPinnedHead', () => {
  it('passes a chain that holds the pinned entry, at the end or earlier', () => {
    expect(checkPinnedHead(entries, { seq: 3, hash: h(3) })).toEqual({ ok: true });
    expect(checkPinnedHead(entries, { seq: 1, hash: h(1) })).toEqual({ ok: true });
  });
  it('when the chain ends before the pin / fails with pinned_head_mismatch (truncated)', () => {
    expect(checkPinnedHead(entries, { seq: 4, hash: h(4) })).toMatchObject({
      ok: false,
      code: 'pinned_head_mismatch',
      index: 4,
      detail: 'the chain ends at seq 3, before the pinned head at seq 4: history was truncated',
    });
  });
  it('when another entry stands at the pin’s seq / fails with pinned_head_mismatch (rewritten)', () => {
    expect(checkPinnedHead(entries, { seq: 2, hash: h(9) })).toMatchObject({
      ok: false,
      code: 'pinned_head_mismatch',
      index: 2,
      detail: 'entry 2 differs from the pinned head: history was rewritten or forked',
    });
  });
  it('when the pin has no valid seq / fails with pinned_head_mismatch', () => {
    expect(checkPinnedHead(entries, { seq: -1, hash: h(0) })).toMatchObject({ ok: false, code: 'pinned_head_mismatch' });
    expect(checkPinnedHead(entries, { seq: 1.5, hash: h(1) })).toMatchObject({ ok: false, code: 'pinned_head_mismatch' });
  });
  it('passes a prefix that ends before the pin, but still fails one that contradicts it', () => {
    expect(checkPinnedHead(entries, { seq: 7, hash: h(7) }, { prefix: true })).toEqual({ ok: true });
    expect(checkPinnedHead(entries, { seq: 2, hash: h(9) }, { prefix: true })).toMatchObject({ ok: false, code: 'pinned_head_mismatch' });
  });
});

describe('readPin', () => {
  it('reads { seq, hash } and nothing else', () => {
    expect(readPin({ seq: 2, hash: h(2), committeeId: 'c-1' })).toEqual({ seq: 2, hash: h(2) });
  });
  it.each([null, 'pin', { seq: -1, hash: h(0) }, { seq: '2', hash: h(2) }, { seq: 2, hash: 'ABC' }, { seq: 2, hash: h(0xab).toUpperCase() }])(
    'when the stored pin is %j / gives null',
    (v) => {
      expect(readPin(v)).toBeNull();
    },
  );
});

describe('advancePin', () => {
  it('moves a pin forward to a later head, never back', () => {
    expect(advancePin(undefined, { seq: 2, hash: h(2) })).toEqual({ seq: 2, hash: h(2) });
    expect(advancePin({ seq: 2, hash: h(2) }, { seq: 3, hash: h(3) })).toEqual({ seq: 3, hash: h(3) });
    const pin = { seq: 3, hash: h(3) };
    expect(advancePin(pin, { seq: 2, hash: h(2) })).toBe(pin);
  });
});

describe('pinWithin', () => {
  it('keeps a pin the record reaches, and none a record ending earlier cannot speak for', () => {
    const pin = { seq: 3, hash: h(3) };
    expect(pinWithin(pin, { seq: 3 })).toBe(pin);
    expect(pinWithin(pin, { seq: 9 })).toBe(pin);
    expect(pinWithin(pin, { seq: 2 })).toBeUndefined();
    expect(pinWithin(undefined, { seq: 9 })).toBeUndefined();
    // A record that states no head (malformed) gets no pin: the verifier reports it malformed anyway.
    expect(pinWithin(pin, { seq: '3' })).toBeUndefined();
    expect(pinWithin(pin, undefined)).toBeUndefined();
  });
});
