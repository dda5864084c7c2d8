// The Node verifier's VerifyAccelerator on the worker pool (workers/pool.ts): the per-ballot work
// of verifyRecord (hashing each token to the curve, decoding each signature with its subgroup
// check, the chunk's Pippenger sums, each issuance's device signature and the strict decoding of
// its blinded point) runs on every core. The pure core (src/protocol) knows nothing of threads:
// it takes this as its VerifyAccelerator, draws the batch coefficients itself and makes the
// final pairing check, so a worker computes only what the pure functions tokenBatchSums,
// verifyDeviceSignatures and invalidG1Points compute.
//
// The same file is the workers' task module (compiled to dist/ for the CLI; the sources, through
// tsx, under the test runner: workers/pool.ts startWorker).
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { verifyDeviceSignatures, type DeviceSignatureCheck } from '../protocol/device-key.ts';
import { tokenBatchSums, type TokenItem } from '../protocol/tokens.ts';
import { invalidG1Points } from '../protocol/verify/issuances.ts';
import { nativeG1Decoder } from '../workers/native-g1.ts';
import type { VerifyAccelerator } from '../protocol/verifier.ts';
import { chunkedAccelerator } from '../protocol/verify/accelerator.ts';
import { createPool, serveTasks, TASK_WORKER, type TaskFailure, type TaskProgress } from '../workers/pool.ts';

/** Items between two progress messages from a worker. */
const PROGRESS_EVERY = 25;
const throttled = (progress: TaskProgress | undefined) =>
  progress ? (done: number, total: number) => (done % PROGRESS_EVERY === 0 || done === total) && progress(done) : undefined;

/** Strict G1 decoding on the optional native backend where it loads (native-g1.ts), else undefined: decodeG1. */
const g1Decoder = () => nativeG1Decoder() ?? undefined;

export const tasks = {
  /** tokenBatchSums over one chunk; coefficients as hex (a bigint does not cross threads). */
  tokens: (items: TokenItem[], coefficients: string[], progress?: TaskProgress) => {
    const onProgress = throttled(progress);
    const decodeG1 = g1Decoder();
    return tokenBatchSums(
      items,
      coefficients.map((c) => BigInt(`0x${c}`)),
      { ...(onProgress ? { onProgress } : {}), ...(decodeG1 ? { decodeG1 } : {}) },
    );
  },
  devices: (checks: DeviceSignatureCheck[], progress?: TaskProgress) => {
    const result = verifyDeviceSignatures(checks, (n) => crypto.getRandomValues(new Uint8Array(n)));
    progress?.(checks.length);
    return result;
  },
  points: (points: Uint8Array[]) => invalidG1Points(points, g1Decoder()),
  /** Which strict G1 decoding the workers run: 'native' (blst) or 'js' (@noble). */
  backend: () => (nativeG1Decoder() ? 'native' : 'js'),
};
type VerifyTasks = typeof tasks;

if (!isMainThread && (workerData as { role?: string } | null)?.role === TASK_WORKER) serveTasks(tasks, parentPort!);

export interface WorkerAccelerator extends VerifyAccelerator {
  readonly threads: number;
  /** Which strict G1 decoding the workers run: 'native' (the optional blst backend) or 'js'. */
  backend(): Promise<'native' | 'js'>;
  /** Terminates the workers. */
  close(): Promise<void>;
}

const rebuild = (f: TaskFailure) => new Error(`verify worker: ${f.message}`);

/**
 * Starts `threads` workers (default: one per core) at once, so their start-up overlaps the
 * verifier's own parsing and hashing. Call close() when done.
 */
export function createWorkerAccelerator(options: { threads?: number } = {}): WorkerAccelerator {
  const pool = createPool<VerifyTasks>(import.meta.url, Math.max(1, options.threads ?? availableParallelism()), rebuild);
  pool.warm();
  const { threads } = pool;

  return {
    threads,
    // One chunk per worker (the pool gives each to the least busy one); coefficients as hex.
    ...chunkedAccelerator({
      chunks: () => threads,
      tokens: (items, coefficients, progress) =>
        pool.run(
          'tokens',
          items,
          coefficients.map((c) => c.toString(16)),
          progress,
        ),
      devices: (checks, progress) => pool.run('devices', checks, progress),
      points: (points) => pool.run('points', points),
    }),
    backend: () => pool.run('backend'),
    close: () => pool.close(),
  };
}
