// The CPU-heavy steps of issuance and casting, as tasks a worker thread can run: blind
// signing (with its strict point decoding) and the device and token signature checks (one at a
// time, or a batch of one vote's tokens: token-batcher.ts). The
// same functions run in-process when no pool is configured.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ProtocolError, type ProtocolErrorCode } from '../protocol/errors.ts';
import { verifyDeviceSignature, type DevicePublicKey } from '../protocol/device-key.ts';
import { randomBytes } from '@noble/hashes/utils.js';
import { locateInvalidTokens, signBlinded, verifyToken, type TokenItem } from '../protocol/tokens.ts';
import { verifyBallotSignature } from '../protocol/ballot-v2.ts';
import type { BallotV2 } from '../protocol/ballot.ts';
import type { ProtocolVersion } from '../protocol/version.ts';
import { createPool, serveTasks, type Pool, type TaskFailure } from '../workers/pool.ts';

export const tasks = {
  signBlinded: (secretKey: Uint8Array, blinded: Uint8Array): Uint8Array => signBlinded(secretKey, blinded),
  verifyToken: (publicKey: Uint8Array, voteId: string, t: Uint8Array, signature: Uint8Array, version: ProtocolVersion): boolean =>
    verifyToken(publicKey, voteId, t, signature, version),
  /**
   * Each item's verifyToken answer, from one batch check (fresh 128-bit coefficients drawn here,
   * from the operating system's randomness, never from the caller) and, only if it fails,
   * bisection down to the bad items. A malformed public key throws as verifyToken does.
   */
  verifyTokenBatch: (publicKey: Uint8Array, items: TokenItem[]): boolean[] => {
    const ok = items.map(() => true);
    for (const i of locateInvalidTokens(publicKey, items, randomBytes).bad) ok[i] = false;
    return ok;
  },
  verifyBallotSignature: (ballot: BallotV2): boolean => verifyBallotSignature(ballot),
  verifyDevice: (device: DevicePublicKey, message: Uint8Array, signature: string): boolean => verifyDeviceSignature(device, message, signature),
};
export type CryptoTasks = typeof tasks;

export interface VoteCrypto {
  run<K extends keyof CryptoTasks>(op: K, ...args: Parameters<CryptoTasks[K]>): Promise<ReturnType<CryptoTasks[K]>>;
  /** Starts the worker threads, if any, ahead of the first task. */
  warm(): void;
  close(): Promise<void>;
}

/** Rebuilds a protocol error thrown in a worker, so the HTTP layer maps it to the same 4xx. */
function rebuild(f: TaskFailure): Error {
  if (f.name === 'ProtocolError' && f.code)
    return new ProtocolError(f.code as ProtocolErrorCode, f.message, {
      ...(f.field !== undefined ? { field: f.field } : {}),
      ...(f.messageZh !== undefined ? { zh: f.messageZh } : {}),
    });
  return new Error(`crypto worker: ${f.message}`);
}

/** `threads` = 0 runs every task in-process (tests, tiny machines). */
export function createVoteCrypto(threads: number): VoteCrypto {
  if (threads <= 0) {
    return {
      run: (op, ...args) => Promise.resolve().then(() => (tasks[op] as (...a: unknown[]) => never)(...args)),
      warm() {},
      async close() {},
    };
  }
  const pool: Pool<CryptoTasks> = createPool<CryptoTasks>(import.meta.url, threads, rebuild);
  return { run: (op, ...args) => pool.run(op, ...args), warm: () => pool.warm(), close: () => pool.close() };
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'piaojue-task-worker') serveTasks(tasks, parentPort!);
