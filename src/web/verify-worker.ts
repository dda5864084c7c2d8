// The observer's verifier, off the page's thread: pairings and hundreds of signature checks
// would otherwise freeze the page and its progress bar. Same verifyRecord as the CLI; its costly
// per-item work spread over a pool of Web Workers started from here (verify-pool.ts) where this
// browser has nested workers and the record is large enough to gain from them.
import type { JSONWebKeySet } from 'jose';
import type { ChainHead } from '../protocol/chain.ts';
import { verifyRecord, type VerificationReport } from '../protocol/verifier.ts';
import { randomBytes } from '../client/random.ts';
import { createPoolAccelerator, poolSize, type PoolAccelerator } from './verify-pool.ts';

export interface VerifyRequest {
  record: unknown;
  jwks: JSONWebKeySet;
  pinnedHead?: ChainHead;
  /** An inspector's phone checking a sealed close before countersigning it (verifyRecord's option). */
  beforeCountersigning?: boolean;
  /**
   * The pool: `url`, its worker's bundle (the page's piaojue-verify-pool-worker meta tag);
   * `workers`, the exact number of chunks to split the work into (1: none, all in this worker),
   * else as many as this device's cores, for a record large enough. Without it, all in here.
   */
  pool?: { url: string; workers?: number };
}

export type VerifyMessage =
  | { type: 'progress'; phase: 'issuances' | 'tokens'; done: number; total: number }
  /** `workers`: how many pool workers it took (0: it all ran in the verifier worker). */
  | { type: 'done'; report: VerificationReport; workers: number }
  | { type: 'failed'; message: string };

const scope = self as unknown as { onmessage: ((ev: MessageEvent<VerifyRequest>) => void) | null; postMessage(m: VerifyMessage): void };

scope.onmessage = (ev) => void verify(ev);

/** How many ballots the record's close lists (0 if it has none or is not a record): how large a pool it is worth. */
function ballotCount(record: unknown): number {
  const entries = (record as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) return 0;
  let most = 0;
  for (const e of entries as ({ kind?: unknown; body?: { ballots?: unknown } } | null)[]) {
    if (e?.kind === 'vote.closed' && Array.isArray(e.body?.ballots)) most = Math.max(most, e.body.ballots.length);
  }
  return most;
}

async function verify(ev: MessageEvent<VerifyRequest>): Promise<void> {
  const { record, jwks, pinnedHead, beforeCountersigning, pool } = ev.data;
  let last = 0;
  // Nested dedicated workers (Safari before 15.5 has none): without them, all of it runs here.
  let accelerator: PoolAccelerator | undefined;
  if (pool && typeof Worker === 'function') {
    const { url, workers } = pool;
    accelerator = createPoolAccelerator({ url, size: poolSize(navigator.hardwareConcurrency), randomBytes, ...(workers ? { workers } : {}) });
    accelerator.warm(ballotCount(record));
  }
  try {
    const report = await verifyRecord(record, {
      jwks,
      ...(accelerator ? { accelerator } : {}),
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
    scope.postMessage({ type: 'done', report, workers: accelerator?.started() ?? 0 });
  } catch (e) {
    scope.postMessage({ type: 'failed', message: (e as Error)?.message ?? String(e) });
  } finally {
    accelerator?.close();
  }
}
