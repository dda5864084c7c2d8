// Check `ballotOrder`: ballots are strictly ascending by hash, so the record carries no arrival order.
import { compareStrings } from '../chain.ts';
import { fail, pass, type Outcome } from './outcome.ts';

export function checkBallotOrder(vote: { hashes: readonly string[] }): Outcome {
  const { hashes } = vote;
  for (let i = 1; i < hashes.length; i++) {
    if (compareStrings(hashes[i - 1]!, hashes[i]!) >= 0)
      return fail('ballot_order', `ballot ${i} is not after ballot ${i - 1} in hash order`, `按哈希顺序，选票 #${i} 没有排在选票 #${i - 1} 之后`);
  }
  return pass('strictly ascending by ballot hash', '按选票哈希严格升序排列');
}
