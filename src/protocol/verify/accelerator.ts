// Where the verifier's costly, independent per-item work runs (token batch sums, device and
// ballot signatures, blinded points): the in-place default, and the split into contiguous chunks
// that a pool of workers runs (the Node CLI's worker threads, src/cli/verify-workers.ts; the
// browser's Web Workers, src/web/verify-pool.ts). Pure: the pools themselves live outside.
import type { DeviceSignatureCheck } from '../device-key.ts';
import { verifyDeviceSignatures } from '../device-key.ts';
import type { RandomBytes } from '../errors.ts';
import { tokenBatchSums, type G1Decoder, type TokenBatchSums, type TokenItem } from '../tokens.ts';
import { invalidG1Points } from './issuances.ts';

export type ProgressPhase = 'issuances' | 'tokens';
export type ProgressCallback = (done: number, total: number) => void;

/**
 * Where the costly, independent per-item work runs. The default runs it in place (pure, any
 * platform); the Node CLI passes a worker-thread pool (src/cli/verify-workers.ts), the browser's
 * verifier a pool of Web Workers (src/web/verify-pool.ts), both through chunkedAccelerator. An accelerator must compute exactly what the pure functions named
 * here compute; the verifier draws the batch coefficients itself and makes the final pairing
 * check, so an accelerator cannot choose them.
 */
export interface VerifyAccelerator {
  /**
   * tokenBatchSums over the items, split into chunks however it likes: the chunks' sums
   * (checkBatchSums adds them), or the indices (into `items`, ascending) that are malformed.
   */
  tokenBatchSums(
    items: readonly TokenItem[],
    coefficients: readonly bigint[],
    onProgress?: ProgressCallback,
  ): Promise<{ ok: true; sums: { sigSum: Uint8Array; preHashSum: Uint8Array }[] } | { ok: false; bad: number[] }>;
  /** verifyDeviceSignature for each check, in order (verifyDeviceSignatures computes the same). */
  deviceSignatures(checks: readonly DeviceSignatureCheck[], onProgress?: ProgressCallback): Promise<boolean[]>;
  /** The indices (ascending) of the points that fail strict G1 decoding (decodeG1); optional. */
  invalidG1Points?(points: readonly Uint8Array[]): Promise<number[]>;
}

/**
 * The accelerator that runs everything in place, in this thread (the default). `decodeG1`:
 * another strict G1 decoder with decodeG1's contract (the Node CLI's optional native one).
 */
export function inPlaceAccelerator(randomBytes: RandomBytes, decodeG1?: G1Decoder): VerifyAccelerator {
  return {
    tokenBatchSums(items, coefficients, onProgress) {
      const sums = tokenBatchSums(items, coefficients, { ...(onProgress ? { onProgress } : {}), ...(decodeG1 ? { decodeG1 } : {}) });
      return Promise.resolve(sums.ok ? { ok: true, sums: [sums] } : sums);
    },
    deviceSignatures(checks, onProgress) {
      const result = verifyDeviceSignatures(checks, randomBytes);
      onProgress?.(checks.length, checks.length);
      return Promise.resolve(result);
    },
    invalidG1Points(points) {
      return Promise.resolve(invalidG1Points(points, decodeG1));
    },
  };
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

/** What a chunk's task reports as it goes: items of that chunk done so far. */
export type ChunkProgress = (done: number) => void;

/**
 * A pool's tasks, each the pure function over one contiguous chunk of the items (run wherever
 * the pool likes): tokenBatchSums, verifyDeviceSignatures, invalidG1Points.
 */
export interface ChunkRunner {
  /** How many chunks to split `n` items into (at least 1). */
  chunks(n: number): number;
  tokens(items: TokenItem[], coefficients: bigint[], progress?: ChunkProgress): Promise<TokenBatchSums>;
  devices(checks: DeviceSignatureCheck[], progress?: ChunkProgress): Promise<boolean[]>;
  points(points: Uint8Array[]): Promise<number[]>;
}

/**
 * The accelerator that splits each call's items into `runner.chunks(n)` contiguous chunks, runs
 * one task per chunk, and puts the answers back together: the chunks' token sums (the verifier
 * adds them and makes the pairing check), malformed items' and invalid points' indices shifted
 * to the whole list's, device results in order. Progress is the chunks' progress added up.
 */
export function chunkedAccelerator(runner: ChunkRunner): VerifyAccelerator {
  async function scatter<T>(
    n: number,
    run: (from: number, to: number, progress: ChunkProgress | undefined) => Promise<T>,
    onProgress?: ProgressCallback,
  ): Promise<{ from: number; result: T }[]> {
    const ranges = chunkRanges(n, runner.chunks(n));
    const done = ranges.map(() => 0);
    const report = (k: number): ChunkProgress | undefined =>
      onProgress
        ? (d) => {
            done[k] = d;
            onProgress(
              done.reduce((a, b) => a + b, 0),
              n,
            );
          }
        : undefined;
    return Promise.all(ranges.map(async ([from, to], k) => ({ from, result: await run(from, to, report(k)) })));
  }

  return {
    async tokenBatchSums(items, coefficients, onProgress) {
      if (items.length === 0) return { ok: true as const, sums: [] };
      const parts = await scatter(
        items.length,
        (from, to, progress) => runner.tokens(items.slice(from, to), coefficients.slice(from, to), progress),
        onProgress,
      );
      const bad = parts.flatMap(({ from, result }) => (result.ok ? [] : result.bad.map((i) => from + i)));
      if (bad.length > 0) return { ok: false as const, bad };
      return { ok: true as const, sums: parts.flatMap(({ result }) => (result.ok ? [result] : [])) };
    },
    async deviceSignatures(checks, onProgress) {
      if (checks.length === 0) return [];
      const parts = await scatter(checks.length, (from, to, progress) => runner.devices(checks.slice(from, to), progress), onProgress);
      return parts.flatMap(({ result }) => result);
    },
    async invalidG1Points(points) {
      if (points.length === 0) return [];
      const parts = await scatter(points.length, (from, to) => runner.points(points.slice(from, to)));
      return parts.flatMap(({ from, result }) => result.map((i) => from + i));
    },
  };
}
