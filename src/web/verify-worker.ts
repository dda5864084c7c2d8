// The observer's verifier, off the page's thread: pairings and hundreds of signature checks
// would otherwise freeze the page and its progress bar. Same verifyRecord as the CLI.
import type { JSONWebKeySet } from 'jose';
import type { ChainHead } from '../protocol/chain.ts';
import { verifyRecord, type VerificationReport } from '../protocol/verifier.ts';
import { randomBytes } from '../client/random.ts';

export interface VerifyRequest {
  record: unknown;
  jwks: JSONWebKeySet;
  pinnedHead?: ChainHead;
  /** An inspector's phone checking a sealed close before countersigning it (verifyRecord's option). */
  beforeCountersigning?: boolean;
}

export type VerifyMessage =
  | { type: 'progress'; phase: 'issuances' | 'tokens'; done: number; total: number }
  | { type: 'done'; report: VerificationReport }
  | { type: 'failed'; message: string };

const scope = self as unknown as { onmessage: ((ev: MessageEvent<VerifyRequest>) => void) | null; postMessage(m: VerifyMessage): void };

scope.onmessage = (ev) => void verify(ev);

async function verify(ev: MessageEvent<VerifyRequest>): Promise<void> {
  const { record, jwks, pinnedHead, beforeCountersigning } = ev.data;
  let last = 0;
  try {
    const report = await verifyRecord(record, {
      jwks,
      ...(pinnedHead ? { pinnedHead } : {}),
      ...(beforeCountersigning ? { beforeCountersigning } : {}),
      // Chunked: a record with thousands of ballots asks for more than getRandomValues' 64 KiB.
      randomBytes,
      onProgress: ({ phase, done, total }) => {
        // At most ~20 messages a second, and always the last one.
        const now = Date.now();
        if (done === total || now - last > 50) {
          last = now;
          scope.postMessage({ type: 'progress', phase, done, total });
        }
      },
    });
    scope.postMessage({ type: 'done', report });
  } catch (e) {
    scope.postMessage({ type: 'failed', message: (e as Error)?.message ?? String(e) });
  }
}
