// Tasks for the worker-pool test: one that answers, one that reports progress, one that throws
// a coded error, one that kills its worker.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serveTasks, TASK_WORKER, type TaskProgress } from '../../src/workers/pool.ts';

export const tasks = {
  double: (n: number) => n * 2,
  count: (n: number, progress?: TaskProgress) => {
    for (let i = 1; i <= n; i++) progress?.(i);
    return n;
  },
  fail: () => {
    throw Object.assign(new Error('refused'), { name: 'ProtocolError', code: 'invalid_point', field: 'blindedPoint', messageZh: '拒绝' });
  },
  die: () => process.exit(3),
};

if (!isMainThread && (workerData as { role?: string } | null)?.role === TASK_WORKER) serveTasks(tasks, parentPort!);
