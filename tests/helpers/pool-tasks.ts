// Tasks for the worker-pool test: one that answers, one that throws a coded error, one that
// kills its worker.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serveTasks } from '../../src/workers/pool.ts';

export const tasks = {
  double: (n: number) => n * 2,
  fail: () => {
    throw Object.assign(new Error('refused'), { name: 'ProtocolError', code: 'invalid_point', field: 'blindedPoint' });
  },
  die: () => process.exit(3),
};

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'piaojue-task-worker') serveTasks(tasks, parentPort!);
