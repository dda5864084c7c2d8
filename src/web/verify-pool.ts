// The browser verifier's pool of Web Workers: its VerifyAccelerator. verifyRecord runs in the
// verifier worker (verify-worker.ts); this pool, started from there as nested dedicated workers,
// takes its costly per-item work — the token batch sums, the device and ballot signatures, the
// strict decoding of blinded points — split into one contiguous chunk per worker
// (chunkedAccelerator, the same split as the Node CLI's worker threads). Each pool worker runs the
// pure function over its chunk (verify-pool-worker.ts); the verifier draws the coefficients and
// makes the final pairing check itself.
//
// Nested in the verifier worker rather than owned by the page: the accelerator is called from
// inside verifyRecord, so the chunks go straight from the verifier to its pool and back without
// a detour through the page's busy main thread, both callers (the observer's page and the
// inspector's phone) get the pool without a change, and terminating the verifier ends its pool.
//
// A record too small to gain from it pays for no worker: a call with fewer than MIN_PER_WORKER
// items for each of two workers runs in place, in the verifier worker, as before.
import type { RandomBytes } from '../protocol/errors.ts';
import { chunkedAccelerator, inPlaceAccelerator, type ChunkProgress, type VerifyAccelerator } from '../protocol/verify/accelerator.ts';

/** Most pool workers, whatever the device reports: each holds its own copy of the curve code. */
const MAX_WORKERS = 8;
/** Fewest items a call gives each pool worker: below that, starting a worker costs more than it saves. */
const MIN_PER_WORKER = 200;

export type PoolOp = 'tokens' | 'devices' | 'points';
export interface PoolRequest {
  id: number;
  op: PoolOp;
  args: unknown[];
  /** Whether the task reports its progress. */
  progress?: true;
}
export type PoolReply = { id: number; progress: number } | { id: number; result: unknown } | { id: number; failure: string };

export interface PoolAccelerator extends VerifyAccelerator {
  /** Starts now the workers that a call over `n` items will take, so their start overlaps the verifier's own reading. */
  warm(n: number): void;
  /** How many pool workers were started (0: everything ran in place). */
  started(): number;
  /** Terminates the pool's workers. */
  close(): void;
}

/** The pool's size on this device: one per logical core it reports, at most MAX_WORKERS, at least 1. */
export function poolSize(hardwareConcurrency: number | undefined): number {
  return Math.max(1, Math.min(MAX_WORKERS, Math.floor(hardwareConcurrency ?? 1) || 1));
}

/**
 * The accelerator on a pool of Web Workers started from `url` (the pool worker's bundle), at
 * most `size` of them, started on the first call that needs them. `workers`, when given, is the
 * exact number of chunks every call is split into (1: all in place), whatever the record's size.
 */
export function createPoolAccelerator(options: { url: string; size: number; randomBytes: RandomBytes; workers?: number }): PoolAccelerator {
  const { url, size, randomBytes, workers: forced } = options;
  const inPlace = inPlaceAccelerator(randomBytes);
  /** The started workers, each with the ids of the tasks it holds. */
  const slots: { worker: Worker; tasks: Set<number> }[] = [];
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: ChunkProgress | undefined }>();
  let nextId = 1;
  let closed = false;

  const chunks = (n: number) => Math.max(1, Math.min(n, forced ?? Math.min(size, Math.floor(n / MIN_PER_WORKER))));

  const spawn = () => {
    const slot = { worker: new Worker(url, { type: 'module', name: 'piaojue-verify-pool' }), tasks: new Set<number>() };
    slot.worker.onmessage = (ev: MessageEvent<PoolReply>) => {
      const reply = ev.data;
      const p = pending.get(reply.id);
      if (!p) return;
      if ('progress' in reply) return p.progress?.(reply.progress);
      pending.delete(reply.id);
      slot.tasks.delete(reply.id);
      if ('failure' in reply) p.reject(new Error(`verify pool worker: ${reply.failure}`));
      else p.resolve(reply.result);
    };
    // A worker that cannot load or dies fails the tasks it holds (the verification then fails, saying so).
    slot.worker.onerror = (ev) => {
      ev.preventDefault();
      for (const id of slot.tasks) {
        pending.get(id)?.reject(new Error(`verify pool worker failed: ${ev.message || 'could not start'}`));
        pending.delete(id);
      }
      slot.tasks.clear();
    };
    slots.push(slot);
  };

  /** Runs one task on the least busy of the first `wanted` workers (started now if need be). */
  function run<T>(op: PoolOp, args: unknown[], wanted: number, progress?: ChunkProgress): Promise<T> {
    if (closed) return Promise.reject(new Error('verify pool closed'));
    while (slots.length < wanted) spawn();
    const slot = slots.slice(0, wanted).reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
    const id = nextId++;
    slot.tasks.add(id);
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      const req: PoolRequest = { id, op, args, ...(progress ? { progress: true as const } : {}) };
      slot.worker.postMessage(req);
    });
  }

  const pooled = (n: number) =>
    chunkedAccelerator({
      chunks: () => chunks(n),
      tokens: (items, coefficients, progress) => run('tokens', [items, coefficients.map((c) => c.toString(16))], chunks(n), progress),
      devices: (checks, progress) => run('devices', [checks], chunks(n), progress),
      points: (points) => run('points', [points], chunks(n)),
    });
  /** The pool for a call over `n` items, or in place when it would be one chunk. */
  const pick = (n: number): VerifyAccelerator => (chunks(n) >= 2 ? pooled(n) : inPlace);

  return {
    tokenBatchSums: (items, coefficients, onProgress) => pick(items.length).tokenBatchSums(items, coefficients, onProgress),
    deviceSignatures: (checks, onProgress) => pick(checks.length).deviceSignatures(checks, onProgress),
    invalidG1Points: (points) => pick(points.length).invalidG1Points!(points),
    warm(n) {
      const wanted = chunks(n);
      while (!closed && wanted >= 2 && slots.length < wanted) spawn();
    },
    started: () => slots.length,
    close() {
      closed = true;
      for (const { worker } of slots) worker.terminate();
      for (const p of pending.values()) p.reject(new Error('verify pool closed'));
      pending.clear();
    },
  };
}
