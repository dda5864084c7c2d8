// The CPU-heavy steps of issuance and casting, as tasks a worker thread can run: blind
// signing (with its strict point decoding) and the device and token signature checks (one at a
// time, or a batch of one vote's tokens: token-batcher.ts). The
// same functions run in-process when no pool is configured.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ProtocolError, type ProtocolErrorCode } from '../protocol/errors.ts';
import { verifyDeviceSignature, verifyDeviceSignatures, type DeviceSignatureCheck, type DevicePublicKey } from '../protocol/device-key.ts';
import { randomBytes } from '@noble/hashes/utils.js';
import { decodeG2, locateInvalidTokens, signBlinded, verifyToken, type G1Decoder, type TokenItem } from '../protocol/tokens.ts';
import { ballotSignatureCheck, verifyBallotSignature } from '../protocol/ballot-v2.ts';
import { nativeG1Decoder } from '../workers/native-g1.ts';
import type { BallotV2 } from '../protocol/ballot.ts';
import type { ProtocolVersion } from '../protocol/version.ts';
import { createPool, serveTasks, type Pool, type TaskFailure } from '../workers/pool.ts';

/**
 * What a cast's checks found: 'ok' (the ballot signature and the token both verify),
 * 'ballot_signature' (the one-time key's signature over the marks fails: the token was not
 * checked) or 'token' (the ballot signature verifies, the token does not).
 */
export type CastAnswer = 'ok' | 'ballot_signature' | 'token';

/** One cast to check: its token and, for version 2, its ballot (whose signature is checked first). */
export interface CastItem extends TokenItem {
  ballot?: BallotV2;
}

/**
 * The strict G1 decoding of token signatures: the optional native backend (blst, workers/native-g1.ts:
 * the same accepted bytes and points as decodeG1) where it is installed and PIAOJUE_NATIVE_BLS is
 * not 0, else decodeG1. Chosen once per thread.
 */
let decoder: { decodeG1?: G1Decoder } | undefined;
function g1Decoding(): { decodeG1?: G1Decoder } {
  if (!decoder) {
    const native = nativeG1Decoder();
    decoder = native ? { decodeG1: native } : {};
  }
  return decoder;
}

/** The ballot signature as a check, or null when the ballot cannot even be put as one (malformed: refused). */
function signatureCheckOf(ballot: BallotV2): DeviceSignatureCheck | null {
  try {
    return ballotSignatureCheck(ballot);
  } catch {
    return null;
  }
}

/**
 * Each cast's answer: first every ballot signature (Ed25519, together by the cofactored batch
 * equation with fresh coefficients drawn here, and one by one when that fails:
 * verifyDeviceSignatures), then the tokens of the casts whose ballot signature verified — one
 * batch check with fresh coefficients, and bisection down to the bad tokens only if it fails
 * (locateInvalidTokens; a single token gets one exact pairing check). A cast whose ballot
 * signature fails costs no pairing. A malformed public key throws as verifyToken does.
 */
function checkCasts(publicKey: Uint8Array, items: CastItem[]): CastAnswer[] {
  const answers: CastAnswer[] = items.map(() => 'ok');
  const signed: number[] = [];
  const checks: DeviceSignatureCheck[] = [];
  items.forEach((item, i) => {
    if (item.ballot === undefined) return;
    const check = signatureCheckOf(item.ballot);
    if (check) {
      signed.push(i);
      checks.push(check);
    } else answers[i] = 'ballot_signature';
  });
  const verified =
    checks.length === 1 ? [verifyDeviceSignature(checks[0]!.device, checks[0]!.message, checks[0]!.signature)] : verifyDeviceSignatures(checks, randomBytes);
  verified.forEach((ok, j) => {
    if (!ok) answers[signed[j]!] = 'ballot_signature';
  });
  const tokenAt = answers.flatMap((a, i) => (a === 'ok' ? [i] : []));
  const tokenItems = tokenAt.map((i): TokenItem => {
    const { ballot: _, ...token } = items[i]!;
    return token;
  });
  if (tokenItems.length === 0) {
    decodeG2(publicKey, 'publicKey'); // a malformed key throws even here
    return answers;
  }
  for (const j of locateInvalidTokens(publicKey, tokenItems, randomBytes, g1Decoding()).bad) answers[tokenAt[j]!] = 'token';
  return answers;
}

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
    for (const i of locateInvalidTokens(publicKey, items, randomBytes, g1Decoding()).bad) ok[i] = false;
    return ok;
  },
  /** The casts' answers (checkCasts): ballot signatures, then tokens, each kind batched. */
  verifyCasts: (publicKey: Uint8Array, items: CastItem[]): CastAnswer[] => checkCasts(publicKey, items),
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
