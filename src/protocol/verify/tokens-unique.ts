// Check `tokensUnique`: no two ballots spend the same token (t in version 1, the one-time
// public key in version 2). A ballot without a readable token fails elsewhere (ballots).
import { isPlainObject } from '../guards.ts';
import type { ProtocolVersion } from '../version.ts';
import { fail, pass, type Outcome } from './outcome.ts';
import { tokenField } from './token-signatures.ts';

export function checkTokensUnique(vote: { version: ProtocolVersion; ballots: readonly unknown[] }): Outcome {
  const field = tokenField(vote.version);
  const seen = new Map<string, number>();
  for (const [i, b] of vote.ballots.entries()) {
    const t = isPlainObject(b) ? b[field] : undefined;
    if (typeof t !== 'string') continue;
    const first = seen.get(t);
    if (first !== undefined) return fail('token_reused', `ballots ${first} and ${i} carry the same token`, `选票 #${first} 与选票 #${i} 使用同一票证`);
    seen.set(t, i);
  }
  return pass(`${seen.size} distinct tokens`, `${seen.size} 张互不相同的票证`);
}
