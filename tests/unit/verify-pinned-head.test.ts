// Check `pinnedHead` alone: the report's outcome for the pinned-head rule.
import { describe, expect, it } from 'vitest';
import { checkPinned } from '../../src/protocol/verify/pinned-head.ts';

const h = (n: number) => n.toString(16).padStart(64, '0');
const entries = [0, 1, 2].map((i) => ({ hash: h(i) }));

describe('check pinnedHead', () => {
  it('passes a record that holds the pinned entry', () => {
    expect(checkPinned(entries, { seq: 1, hash: h(1) })).toEqual({ ok: true, detail: 'entry 1 is the pinned head', detailZh: '记录项 #1 即已固定的链头' });
  });
  it('when the record ends before the pin / fails with pinned_head_mismatch', () => {
    expect(checkPinned(entries, { seq: 5, hash: h(5) })).toMatchObject({
      ok: false,
      code: 'pinned_head_mismatch',
      detailZh: '哈希链止于序号 2，早于已固定的链头（序号 5）：历史被截断',
    });
  });
  it('when history below the pin was rewritten / fails with pinned_head_mismatch', () => {
    expect(checkPinned(entries, { seq: 2, hash: h(7) })).toMatchObject({ ok: false, code: 'pinned_head_mismatch' });
  });
});
