import { describe, expect, it } from 'vitest';
import { createWorkerAccelerator } from '../../src/cli/verify-workers.ts';
import { inPlaceAccelerator } from '../../src/protocol/verifier.ts';
import { invalidG1Points } from '../../src/protocol/verify/issuances.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { createPool, type TaskFailure } from '../../src/workers/pool.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';
import type { tasks } from '../helpers/pool-tasks.ts';

const url = new URL('../helpers/pool-tasks.ts', import.meta.url).href;
const rebuild = (f: TaskFailure) => Object.assign(new Error(f.message), { code: f.code, field: f.field, messageZh: f.messageZh });

describe('the worker pool', () => {
  it('runs tasks on worker threads and passes coded errors back', async () => {
    const pool = createPool<typeof tasks>(url, 2, rebuild);
    try {
      expect(await Promise.all([1, 2, 3].map((n) => pool.run('double', n)))).toEqual([2, 4, 6]);
      await expect(pool.run('fail')).rejects.toMatchObject({ message: 'refused', code: 'invalid_point', field: 'blindedPoint', messageZh: '拒绝' });
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker that dies, so later tasks still complete', async () => {
    const pool = createPool<typeof tasks>(url, 1, rebuild);
    try {
      expect(await pool.run('double', 5)).toBe(10);
      await expect(pool.run('die')).rejects.toThrow(/exited with code 3/);
      expect(await pool.run('double', 7)).toBe(14);
    } finally {
      await pool.close();
    }
  });

  it('passes a task’s progress back to the callback given last, which never crosses to the worker', async () => {
    const pool = createPool<typeof tasks>(url, 1, rebuild);
    try {
      const seen: number[] = [];
      expect(await pool.run('count', 3, (done) => seen.push(done))).toBe(3);
      expect(seen).toEqual([1, 2, 3]);
      expect(await pool.run('count', 2)).toBe(2);
    } finally {
      await pool.close();
    }
  });
});

describe('the CLI verifier on the pool', () => {
  it('answers as the in-place accelerator does, chunk by chunk over its workers', async () => {
    const workers = createWorkerAccelerator({ threads: 2 });
    const inPlace = inPlaceAccelerator(seededRandom('pool'));
    const identity = new Uint8Array(48);
    identity[0] = 0xc0;
    const points = [identity, new Uint8Array(48), identity, new Uint8Array(48).fill(1)];
    const device = { alg: 'Ed25519' as const, key: toBase64url(new Uint8Array(32)) };
    const checks = [1, 2, 3].map((n) => ({ device, message: new Uint8Array([n]), signature: toBase64url(new Uint8Array(64)) }));
    try {
      expect(workers.threads).toBe(2);
      expect(await workers.invalidG1Points?.(points)).toEqual(invalidG1Points(points));
      const seen: number[] = [];
      expect(await workers.deviceSignatures(checks, (done) => seen.push(done))).toEqual(await inPlace.deviceSignatures(checks));
      expect(seen.at(-1)).toBe(3);
    } finally {
      await workers.close();
    }
  });
});
