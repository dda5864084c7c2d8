// Stage `chain`: the entries link from genesis (seq, prev, hash: chain.ts), all belong to the
// record's committee, and the record's stated head is its last entry. Gives the head to pin.
import { checkChainLinks, type ChainHead } from '../chain.ts';
import { fail, pass } from './outcome.ts';
import type { RecordState, Staged } from './state.ts';

export function checkChain(record: Pick<RecordState, 'committeeId' | 'entries' | 'statedHead'>): Staged<ChainHead> {
  const { entries, committeeId, statedHead } = record;
  const links = checkChainLinks(entries);
  if (!links.ok) return { outcome: fail(links.code, links.detail, `哈希链校验未通过：${links.detailZh}`), next: null };
  const stranger = entries.findIndex((e) => e.committeeId !== committeeId);
  if (stranger >= 0)
    return {
      outcome: fail(
        'chain_committee',
        `entry ${stranger} belongs to committee ${entries[stranger]!.committeeId}`,
        `记录项 #${stranger} 属于另一委员会 ${entries[stranger]!.committeeId}`,
      ),
      next: null,
    };
  if (!links.head || links.head.seq !== statedHead.seq || links.head.hash !== statedHead.hash) {
    return {
      outcome: fail(
        'chain_head',
        `the stated head (seq ${statedHead.seq}) is not the last entry`,
        `记录所称链头（序号 ${statedHead.seq}）不是哈希链的最后一项`,
      ),
      next: null,
    };
  }
  return {
    outcome: pass(
      `${entries.length} entries link from genesis to head ${links.head.hash.slice(0, 16)}…`,
      `${entries.length} 项从创世项起逐项链接至链头 ${links.head.hash.slice(0, 16)}…`,
    ),
    next: links.head,
  };
}
