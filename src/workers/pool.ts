// The one worker-thread pool for CPU-heavy pure functions: the service's (BLS signing and
// pairing checks, so one instance uses every core while its main thread keeps serving HTTP and
// SQL) and the CLI verifier's (cli/verify-workers.ts: the per-ballot work of verifyRecord).
//
// A task module exports `tasks`, a record of functions taking and returning structured-cloneable
// values, and calls serveTasks when it runs as a worker (workerData.role === TASK_WORKER). A
// task may take a progress callback as its last parameter: the caller passes a function there,
// the pool keeps it on this side, and the worker gets one that reports back. The service runs the compiled dist/ (plain .js), and a worker loads its module as is.
// Under the test runner the modules are the TypeScript sources; a worker thread does not inherit
// the runner's loader, so for a .ts module it first registers tsx (a dev dependency).
import { Worker, type MessagePort } from 'node:worker_threads';

/** The workerData role of a pool's worker: its task module serves tasks when it sees this. */
export const TASK_WORKER = 'piaojue-task-worker';

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
  messageZh?: string;
}

/** What a task reports as it goes: items done so far. */
export type TaskProgress = (done: number) => void;

type Request = { id: number; op: string; args: unknown[]; progress?: true };
type Reply = { id: number; progress: number } | { id: number; result: unknown } | { id: number; failure: TaskFailure };

export interface Pool<T extends TaskMap> {
  readonly threads: number;
  run<K extends keyof T & string>(op: K, ...args: Parameters<T[K]>): Promise<Awaited<ReturnType<T[K]>>>;
  /** Starts the workers now rather than on the first task (a server at start-up; the CLI verifier at once, so their start overlaps its parsing). */
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
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; slot: { busy: number }; progress?: TaskProgress }>();

  const spawn = (): { worker: Worker; busy: number } => {
    const slot = { worker: startWorker(moduleUrl, { role: TASK_WORKER }), busy: 0 };
    slot.worker.unref();
    slot.worker.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      if ('progress' in reply) return p.progress?.(reply.progress);
      pending.delete(reply.id);
      p.slot.busy--;
      if ('failure' in reply) p.reject(rebuild(reply.failure));
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
    threads,
    warm() {
      if (!workers) start();
    },
    run(op, ...args) {
      if (closed) return Promise.reject(shuttingDown());
      const all = workers ?? start();
      const slot = all.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      slot.busy++;
      // A function last is the task's progress callback: it stays here, the worker reports to it.
      const last: unknown = args.at(-1);
      const progress = typeof last === 'function' ? (last as TaskProgress) : undefined;
      const request: Request = progress ? { id, op, args: args.slice(0, -1), progress: true } : { id, op, args };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, slot, ...(progress ? { progress } : {}) });
        slot.worker.postMessage(request);
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
export function serveTasks(tasks: TaskMap, port: MessagePort): void {
  port.on('message', (req: Request) => void answer(req));
  async function answer(req: Request): Promise<void> {
    try {
      const fn = tasks[req.op];
      if (!fn) throw new Error(`unknown task ${req.op}`);
      const progress: TaskProgress = (done) => port.postMessage({ id: req.id, progress: done } satisfies Reply);
      port.postMessage({ id: req.id, result: await fn(...req.args, ...(req.progress ? [progress] : [])) } satisfies Reply);
    } catch (e) {
      const err = e as { name?: string; message?: string; code?: unknown; field?: unknown; messageZh?: unknown };
      const failure: TaskFailure = { name: String(err?.name ?? 'Error'), message: String(err?.message ?? e) };
      if (typeof err?.code === 'string') failure.code = err.code;
      if (typeof err?.field === 'string') failure.field = err.field;
      if (typeof err?.messageZh === 'string') failure.messageZh = err.messageZh;
      port.postMessage({ id: req.id, failure } satisfies Reply);
    }
  }
}
