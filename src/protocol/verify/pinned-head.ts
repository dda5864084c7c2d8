// Check `pinnedHead`: the chain contains the entry the observer pinned earlier, so history up to
// that entry was neither truncated nor rewritten.
import type { ChainEntry, ChainHead } from '../chain.ts';
import { fail, pass, type Outcome } from './outcome.ts';

export function checkPinned(entries: readonly Pick<ChainEntry, 'hash'>[], pin: ChainHead): Outcome {
  const at = entries[pin.seq];
  if (!at) return fail('pinned_head_mismatch', `the chain ends at seq ${entries.length - 1}, before the pinned head at seq ${pin.seq}: history was truncated`, `哈希链止于序号 ${entries.length - 1}，早于已固定的链头（序号 ${pin.seq}）：历史被截断`);
  if (at.hash !== pin.hash) return fail('pinned_head_mismatch', `entry ${pin.seq} differs from the pinned head: history was rewritten or forked`, `记录项 #${pin.seq} 与已固定的链头不同：历史被改写或分叉`);
  return pass(`entry ${pin.seq} is the pinned head`, `记录项 #${pin.seq} 即已固定的链头`);
}
