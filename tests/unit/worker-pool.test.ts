import { describe, expect, it } from 'vitest';
import { createPool, type TaskFailure } from '../../src/workers/pool.ts';
import type { tasks } from '../helpers/pool-tasks.ts';

const url = new URL('../helpers/pool-tasks.ts', import.meta.url).href;
const rebuild = (f: TaskFailure) => Object.assign(new Error(f.message), { code: f.code, field: f.field });

describe('the worker pool', () => {
  it('runs tasks on worker threads and passes coded errors back', async () => {
    const pool = createPool<typeof tasks>(url, 2, rebuild);
    try {
      expect(await Promise.all([1, 2, 3].map((n) => pool.run('double', n)))).toEqual([2, 4, 6]);
      await expect(pool.run('fail')).rejects.toMatchObject({ message: 'refused', code: 'invalid_point', field: 'blindedPoint' });
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
});
