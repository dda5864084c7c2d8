// Where the verifier's costly, independent per-item work runs (token batch sums, device and
// ballot signatures, blinded points), and the in-place default. The Node CLI and the service
// pass a worker-thread pool (src/workers), a browser could pass Web Workers.
import type { DeviceSignatureCheck } from '../device-key.ts';
import { verifyDeviceSignatures } from '../device-key.ts';
import type { RandomBytes } from '../errors.ts';
import { tokenBatchSums, type G1Decoder, type TokenItem } from '../tokens.ts';
import { invalidG1Points } from './issuances.ts';

export type ProgressPhase = 'issuances' | 'tokens';
export type ProgressCallback = (done: number, total: number) => void;

/**
 * Where the costly, independent per-item work runs. The default runs it in place (pure, any
 * platform); the Node CLI passes a worker-thread pool (src/cli/verify-workers.ts), a browser
 * could pass Web Workers. An accelerator must compute exactly what the pure functions named
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
