// The pinned-head rule, the one place it is written. An observer (the CLI's pin file, a
// browser's storage) remembers the head of a committee's chain it verified; every chain or
// record it reads later must hold that very entry, or history was truncated, rewritten or
// forked. Used by chain.ts (checkChainLinks), the verifier's pinnedHead check, the web client's
// chain reader and the CLI's pin file.
import type { ChainHead } from './chain.ts';
import { HEX64, isPlainObject } from './guards.ts';

export type PinCheck = { ok: true } | { ok: false; code: 'pinned_head_mismatch'; index: number; detail: string; detailZh: string };

export interface PinOptions {
  /**
   * The entries are a prefix of the chain on purpose (a vote's record ends at its close; a page
   * holds what it verified so far): ending before the pin is no contradiction, and passes. By
   * default the entries are the whole history, and ending before the pin means truncation.
   */
  prefix?: boolean;
}

/** Entries from genesis (entries[i].seq = i, links already checked) hold the pinned entry. */
export function checkPinnedHead(entries: readonly { hash: string }[], pin: ChainHead, options: PinOptions = {}): PinCheck {
  if (!Number.isSafeInteger(pin.seq) || pin.seq < 0)
    return mismatch(pin.seq, `the pinned head has no valid seq (${String(pin.seq)})`, `已固定的链头序号无效（${String(pin.seq)}）`);
  const at = entries[pin.seq];
  if (!at) {
    if (options.prefix) return { ok: true };
    return mismatch(
      pin.seq,
      `the chain ends at seq ${entries.length - 1}, before the pinned head at seq ${pin.seq}: history was truncated`,
      `哈希链止于序号 ${entries.length - 1}，早于已固定的链头（序号 ${pin.seq}）：历史被截断`,
    );
  }
  if (at.hash !== pin.hash)
    return mismatch(
      pin.seq,
      `entry ${pin.seq} differs from the pinned head: history was rewritten or forked`,
      `记录项 #${pin.seq} 与已固定的链头不同：历史被改写或分叉`,
    );
  return { ok: true };
}

/** A stored pin read back ({ seq, hash }, seq a safe integer ≥ 0, hash 64 lower-case hex), or null. */
export function readPin(value: unknown): ChainHead | null {
  if (!isPlainObject(value) || !Number.isSafeInteger(value.seq) || (value.seq as number) < 0 || typeof value.hash !== 'string' || !HEX64.test(value.hash))
    return null;
  return { seq: value.seq as number, hash: value.hash };
}

/**
 * The pin a record that states `head` can be checked against in full: the pin itself, or none when
 * the pin is later than the record's head (an older vote's record ends before it, and says nothing
 * about entries after its end).
 */
export function pinWithin(pin: ChainHead | undefined, head: { seq?: unknown } | undefined): ChainHead | undefined {
  return pin && typeof head?.seq === 'number' && pin.seq <= head.seq ? pin : undefined;
}

/** The pin to keep once `head` verified against `pin`: a pin only ever moves forward. */
export function advancePin(pin: ChainHead | undefined, head: ChainHead): ChainHead {
  return pin && pin.seq >= head.seq ? pin : { seq: head.seq, hash: head.hash };
}

function mismatch(index: number, detail: string, detailZh: string): PinCheck {
  return { ok: false, code: 'pinned_head_mismatch', index, detail, detailZh };
}
