// Check `tokenSignatures`: every ballot's token signature verifies under the vote key. One batch
// check (random linear combination, tokens.ts), started as soon as the vote is known so that on
// worker threads it runs while the other checks do theirs; bisection only to name bad ballots.
import { BALLOT_KEY_LENGTH } from '../ballot.ts';
import { fromBase64url } from '../encoding.ts';
import { isPlainObject } from '../guards.ts';
import { batchCoefficients, checkBatchSums, G1_LENGTH, locateInvalidTokens, TOKEN_LENGTH, type TokenItem } from '../tokens.ts';
import type { ProtocolVersion } from '../version.ts';
import type { VerifyAccelerator } from './accelerator.ts';
import { fail, pass, type Outcome } from './outcome.ts';
import type { VerifyEnv } from './state.ts';

type BatchSums = Awaited<ReturnType<VerifyAccelerator['tokenBatchSums']>>;

/** The batch under way: the items read from well-formed ballots, and the ballots that are not. */
export interface TokenWork {
  items: readonly TokenItem[];
  /** For each item, the index of its ballot. */
  index: readonly number[];
  /** Ballots whose token or signature cannot be read, or that name another vote. */
  unreadable: readonly number[];
  /** The accelerator's sums; never rejects (starting work early must not raise an unhandled rejection). */
  sums: Promise<{ ok: true; value: BatchSums } | { ok: false; error: unknown }>;
}

/** What each ballot spends: t (version 1) or its one-time public key (version 2). */
export const tokenField = (version: ProtocolVersion): 't' | 'ballotPublicKey' => (version === 2 ? 'ballotPublicKey' : 't');

export function startTokenWork(
  vote: { voteId: string; version: ProtocolVersion; ballots: readonly unknown[] },
  env: Pick<VerifyEnv, 'accelerator' | 'options' | 'progress'>,
): TokenWork {
  const { voteId, version } = vote;
  const field = tokenField(version);
  const items: TokenItem[] = [];
  const index: number[] = [];
  const unreadable: number[] = [];
  vote.ballots.forEach((b, i) => {
    try {
      if (!isPlainObject(b) || typeof b[field] !== 'string' || typeof b.signature !== 'string' || b.voteId !== voteId) throw new Error('malformed');
      const t = fromBase64url(b[field]);
      const signature = fromBase64url(b.signature);
      if (t.length !== (version === 2 ? BALLOT_KEY_LENGTH : TOKEN_LENGTH) || signature.length !== G1_LENGTH) throw new Error('malformed');
      items.push({ voteId, t, signature, version });
      index.push(i);
    } catch {
      unreadable.push(i);
    }
  });
  const sums = settle(() => env.accelerator.tokenBatchSums(items, batchCoefficients(env.options.randomBytes, items.length), env.progress('tokens')));
  return { items, index, unreadable, sums };
}

export async function checkTokenSignatures(
  vote: { key: Uint8Array; ballots: readonly unknown[]; tokens: TokenWork },
  env: Pick<VerifyEnv, 'options'>,
): Promise<Outcome> {
  const { items, index } = vote.tokens;
  const bad = [...vote.tokens.unreadable];
  const settled = await vote.tokens.sums;
  if (!settled.ok) throw settled.error;
  const sums = settled.value;
  let complete = true;
  if (!sums.ok || !checkBatchSums(vote.key, sums.sums)) {
    // Name the bad ones (rare: a failed record). Budgeted, so a swapped key cannot take hours.
    const located = locateInvalidTokens(vote.key, items, env.options.randomBytes, { maxPairings: env.options.maxLocatePairings ?? 64 });
    complete = located.complete;
    bad.push(...located.bad.map((k) => index[k]!));
    if (bad.length === 0) bad.push(...(sums.ok ? [] : sums.bad.map((k) => index[k]!)));
    if (bad.length === 0)
      return fail(
        'token_signature_invalid',
        'the batch check fails but no single ballot could be named within the budget',
        '批量验证未通过，但在限定计算量内未能指出具体哪张选票',
      );
  }
  bad.sort((a, b) => a - b);
  if (bad.length > 0) {
    const shown = bad.length > 20 ? `${bad.slice(0, 20).join(', ')} … (${bad.length})` : bad.join(', ');
    const shownZh =
      bad.length > 20
        ? `${bad
            .slice(0, 20)
            .map((i) => `#${i}`)
            .join('、')} …（共 ${bad.length} 张）`
        : bad.map((i) => `#${i}`).join('、');
    return fail(
      'token_signature_invalid',
      `ballot${bad.length > 1 ? 's' : ''} ${shown}${complete ? '' : ' and possibly others'}: token signature does not verify under the vote key`,
      `选票 ${shownZh}${complete ? '' : '（可能还有其他）'}：票证签名在表决公钥下无效`,
    );
  }
  return pass(`${vote.ballots.length} token signatures verify (batch)`, `${vote.ballots.length} 个票证签名有效（批量验证）`);
}

/** A promise that never rejects (work started early must not raise an unhandled rejection). */
export function settle<T>(start: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return start().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  } catch (error) {
    return Promise.resolve({ ok: false as const, error });
  }
}
