// Check `pinnedHead`: the chain contains the entry the observer pinned earlier, so history up to
// that entry was neither truncated nor rewritten (the rule: ../pinned-head.ts).
import type { ChainHead } from '../chain.ts';
import { checkPinnedHead } from '../pinned-head.ts';
import { fail, pass, type Outcome } from './outcome.ts';

export function checkPinned(entries: readonly { hash: string }[], pin: ChainHead): Outcome {
  const held = checkPinnedHead(entries, pin);
  if (!held.ok) return fail(held.code, held.detail, held.detailZh);
  return pass(`entry ${pin.seq} is the pinned head`, `记录项 #${pin.seq} 即已固定的链头`);
}
