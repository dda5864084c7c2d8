// A small worker-thread pool for CPU-heavy pure functions (BLS signing and pairing checks), so
// one service instance uses every core while its main thread keeps serving HTTP and SQL.
//
// A task module exports `tasks`, a record of functions taking and returning structured-cloneable
// values. The service runs the compiled dist/ (plain .js), and a worker loads its module as is.
// Under the test runner the modules are the TypeScript sources; a worker thread does not inherit
// the runner's loader, so for a .ts module it first registers tsx (a dev dependency).
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on the module at `moduleUrl`, with `workerData`. A .js module (dist/)
 * is the worker's entry itself; a .ts module (the sources, in tests) is imported after tsx.
 */
export function startWorker(moduleUrl: string, workerData: unknown): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(moduleUrl), { workerData });
  return new Worker(new URL('./tsx-worker.mjs', import.meta.url), { workerData, argv: [moduleUrl] });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each task names its own parameter types; a map of them must accept any.
export type TaskMap = Record<string, (...args: any[]) => unknown>;

/** What crosses back from a worker when a task throws: enough to rebuild a coded error. */
export interface TaskFailure {
  name: string;
  message: string;
  code?: string;
  field?: string;
}

export interface Pool<T extends TaskMap> {
  run<K extends keyof T & string>(op: K, ...args: Parameters<T[K]>): Promise<Awaited<ReturnType<T[K]>>>;
  /** Starts the workers now rather than on the first task (a server does this at start-up). */
  warm(): void;
  close(): Promise<void>;
}

/**
 * Starts `threads` workers lazily, on the first task. Each task goes to the worker with the
 * fewest tasks in flight. A task that throws rejects with `rebuild(failure)`.
 */
export function createPool<T extends TaskMap>(moduleUrl: string, threads: number, rebuild: (f: TaskFailure) => Error): Pool<T> {
  let workers: { worker: Worker; busy: number }[] | undefined;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; slot: { busy: number } }>();

  const spawn = (): { worker: Worker; busy: number } => {
    const slot = { worker: startWorker(moduleUrl, { role: 'piaojue-task-worker' }), busy: 0 };
    slot.worker.unref();
    slot.worker.on('message', (reply: { id: number; result?: unknown; failure?: TaskFailure }) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      p.slot.busy--;
      if (reply.failure) p.reject(rebuild(reply.failure));
      else p.resolve(reply.result);
    });
    // A worker that dies fails its own tasks and is replaced, so later tasks never wait on it.
    const died = (e: Error) => {
      for (const [id, p] of pending) {
        if (p.slot !== slot) continue;
        pending.delete(id);
        p.reject(e);
      }
      if (!workers) return;
      const at = workers.indexOf(slot);
      if (at >= 0) workers[at] = spawn();
    };
    slot.worker.on('error', died);
    slot.worker.on('exit', (code) => died(new Error(`crypto worker exited with code ${code}`)));
    return slot;
  };
  const start = () => (workers = Array.from({ length: threads }, spawn));

  return {
    warm() {
      if (!workers) start();
    },
    run(op, ...args) {
      if (closed) return Promise.reject(shuttingDown());
      const all = workers ?? start();
      const slot = all.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      slot.busy++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, slot });
        slot.worker.postMessage({ id, op, args });
      });
    },
    async close() {
      // Tasks still in flight (a shutdown past its deadline) fail with one coded error, not
      // with a "worker exited" error each; the workers' exit is expected and not reported.
      closed = true;
      const all = workers;
      workers = undefined;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(shuttingDown());
      }
      if (all) {
        await Promise.all(
          all.map((w) => {
            w.worker.removeAllListeners('exit');
            return w.worker.terminate();
          }),
        );
      }
    },
  };
}

/** The error of a task refused or cut short because the pool was closed (`code: 'shutting_down'`). */
export function shuttingDown(): Error {
  return Object.assign(new Error('The service is shutting down.'), { code: 'shutting_down' });
}

/** The worker side: answers task requests from the pool with the module's `tasks`. */
export function serveTasks(tasks: TaskMap, port: import('node:worker_threads').MessagePort): void {
  port.on('message', (req: { id: number; op: string; args: unknown[] }) => void answer(req));
  async function answer(req: { id: number; op: string; args: unknown[] }): Promise<void> {
    try {
      const fn = tasks[req.op];
      if (!fn) throw new Error(`unknown task ${req.op}`);
      port.postMessage({ id: req.id, result: await fn(...req.args) });
    } catch (e) {
      const err = e as { name?: string; message?: string; code?: unknown; field?: unknown };
      const failure: TaskFailure = { name: String(err?.name ?? 'Error'), message: String(err?.message ?? e) };
      if (typeof err?.code === 'string') failure.code = err.code;
      if (typeof err?.field === 'string') failure.field = err.field;
      port.postMessage({ id: req.id, failure });
    }
  }
}
