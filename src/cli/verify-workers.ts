// A worker-thread pool for the Node verifier: the per-ballot work of verifyRecord (hashing each
// token to the curve, decoding each signature with its subgroup check, the chunk's Pippenger
// sums, each issuance's device signature and the strict decoding of its blinded point) runs on
// every core. The pure core
// (src/protocol) knows nothing of threads: it takes this as its VerifyAccelerator, draws the
// batch coefficients itself and makes the final pairing check, so a worker computes only what
// the pure functions tokenBatchSums and verifyDeviceSignature compute.
//
// The same file is the worker's entry point (compiled to dist/ for the CLI; the sources, through
// tsx, under the test runner: workers/pool.ts startWorker).
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { verifyDeviceSignatures, type DevicePublicKey, type DeviceSignatureCheck } from '../protocol/device-key.ts';
import { tokenBatchSums, type TokenItem } from '../protocol/tokens.ts';
import { invalidG1Points } from '../protocol/verify/issuances.ts';
import type { ProgressCallback, VerifyAccelerator } from '../protocol/verifier.ts';
import { startWorker } from '../workers/pool.ts';

const ROLE = 'piaojue-verify-worker';
/** Items between two progress messages from a worker. */
const PROGRESS_EVERY = 25;

type Request =
  | { id: number; op: 'tokens'; items: TokenItem[]; coefficients: string[] }
  | { id: number; op: 'devices'; checks: { device: DevicePublicKey; message: Uint8Array; signature: string }[] }
  | { id: number; op: 'points'; points: Uint8Array[] };
type Reply =
  | { id: number; progress: number }
  | { id: number; result: unknown }
  | { id: number; error: string };

// ---- worker side ---------------------------------------------------------------------------

function serve(): void {
  const port = parentPort!;
  port.on('message', (req: Request) => {
    const progress = (done: number, total: number) => {
      if (done % PROGRESS_EVERY === 0 || done === total) port.postMessage({ id: req.id, progress: done } satisfies Reply);
    };
    try {
      if (req.op === 'tokens') {
        const sums = tokenBatchSums(req.items, req.coefficients.map((c) => BigInt(`0x${c}`)), { onProgress: progress });
        port.postMessage({ id: req.id, result: sums } satisfies Reply);
      } else if (req.op === 'points') {
        port.postMessage({ id: req.id, result: invalidG1Points(req.points) } satisfies Reply);
      } else {
        const result = verifyDeviceSignatures(req.checks, (n) => crypto.getRandomValues(new Uint8Array(n)));
        progress(req.checks.length, req.checks.length);
        port.postMessage({ id: req.id, result } satisfies Reply);
      }
    } catch (e) {
      port.postMessage({ id: req.id, error: (e as Error)?.message ?? String(e) } satisfies Reply);
    }
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) serve();

// ---- main side -----------------------------------------------------------------------------

export interface WorkerAccelerator extends VerifyAccelerator {
  readonly threads: number;
  /** Terminates the workers. */
  close(): Promise<void>;
}

/** Splits [0, n) into at most k contiguous, nearly equal ranges (none empty). */
export function chunkRanges(n: number, k: number): [number, number][] {
  const parts = Math.max(1, Math.min(k, n));
  const out: [number, number][] = [];
  for (let i = 0; i < parts; i++) {
    const from = Math.floor((i * n) / parts);
    const to = Math.floor(((i + 1) * n) / parts);
    if (to > from) out.push([from, to]);
  }
  return out;
}

/**
 * Starts `threads` workers (default: one per core) at once, so their start-up overlaps the
 * verifier's own parsing and hashing. Call close() when done.
 */
export function createWorkerAccelerator(options: { threads?: number } = {}): WorkerAccelerator {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const workers = Array.from({ length: threads }, () => startWorker(import.meta.url, { role: ROLE }));
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (done: number) => void }>();
  for (const w of workers) {
    w.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      if ('progress' in reply) p.onProgress?.(reply.progress);
      else {
        pending.delete(reply.id);
        if ('error' in reply) p.reject(new Error(`verify worker: ${reply.error}`));
        else p.resolve(reply.result);
      }
    });
    w.on('error', (e) => {
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(e);
      }
    });
  }
  const call = <T>(worker: Worker, req: Omit<Request, 'id'>, onProgress?: (done: number) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(onProgress ? { onProgress } : {}) });
      worker.postMessage({ ...req, id });
    });

  /** Runs one request per chunk, one chunk per worker, and reports combined progress. */
  async function scatter<T>(n: number, request: (from: number, to: number) => Omit<Request, 'id'>, onProgress?: ProgressCallback): Promise<{ from: number; result: T }[]> {
    const ranges = chunkRanges(n, threads);
    const done = ranges.map(() => 0);
    const report = onProgress
      ? (k: number) => (d: number) => {
          done[k] = d;
          onProgress(done.reduce((a, b) => a + b, 0), n);
        }
      : () => undefined;
    return Promise.all(ranges.map(async ([from, to], k) => ({ from, result: await call<T>(workers[k % threads]!, request(from, to), report(k)) })));
  }

  return {
    threads,
    async tokenBatchSums(items: readonly TokenItem[], coefficients: readonly bigint[], onProgress?: ProgressCallback) {
      if (items.length === 0) return { ok: true as const, sums: [] };
      const parts = await scatter<{ ok: true; sigSum: Uint8Array; preHashSum: Uint8Array } | { ok: false; bad: number[] }>(
        items.length,
        (from, to) => ({ op: 'tokens', items: items.slice(from, to), coefficients: coefficients.slice(from, to).map((c) => c.toString(16)) }),
        onProgress,
      );
      const bad = parts.flatMap(({ from, result }) => (result.ok ? [] : result.bad.map((i) => from + i)));
      if (bad.length > 0) return { ok: false as const, bad };
      return { ok: true as const, sums: parts.map(({ result }) => result as { ok: true; sigSum: Uint8Array; preHashSum: Uint8Array }) };
    },
    async deviceSignatures(checks: readonly DeviceSignatureCheck[], onProgress?: ProgressCallback) {
      if (checks.length === 0) return [];
      const parts = await scatter<boolean[]>(checks.length, (from, to) => ({ op: 'devices', checks: checks.slice(from, to) }), onProgress);
      return parts.flatMap(({ result }) => result);
    },
    async invalidG1Points(points: readonly Uint8Array[]) {
      if (points.length === 0) return [];
      const parts = await scatter<number[]>(points.length, (from, to) => ({ op: 'points', points: points.slice(from, to) }));
      return parts.flatMap(({ from, result }) => result.map((i) => from + i));
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
