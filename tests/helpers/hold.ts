// Holding a request in flight at a named point of the service (AppContext.checkpoint), so a
// test can run another request against it at exactly that moment — instead of sleeping and
// hoping the two overlap.
import type { IncomingMessage } from 'node:http';
import type { Queryable } from '../../src/db/database.ts';
import type { AppContext, Checkpoint } from '../../src/context.ts';

export interface Hold {
  /**
   * Resolves when a request reaches the point; gives the backend pid of its transaction on
   * PostgreSQL, and the request where the point passes it.
   */
  reached: Promise<{ pid: number | undefined; request: IncomingMessage | undefined }>;
  release(): void;
}

const holds = new WeakMap<AppContext, Map<Checkpoint, { arrive: (tx?: Queryable, req?: IncomingMessage) => void; released: Promise<void> }>>();

/** Holds the next request of `ctx` that reaches `point` until release(). */
export function holdAt(ctx: AppContext, point: Checkpoint): Hold {
  let table = holds.get(ctx);
  if (!table) {
    const t = new Map<Checkpoint, { arrive: (tx?: Queryable, req?: IncomingMessage) => void; released: Promise<void> }>();
    holds.set(ctx, t);
    table = t;
    ctx.checkpoint = async (p, tx, req) => {
      const h = t.get(p);
      if (!h) return;
      t.delete(p);
      h.arrive(tx, req);
      await h.released;
    };
  }
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let arrive!: (tx?: Queryable, req?: IncomingMessage) => void;
  const reached = new Promise<{ pid: number | undefined; request: IncomingMessage | undefined }>((resolve, reject) => {
    arrive = (tx, request) => {
      if (!tx || ctx.db.kind !== 'postgres') return resolve({ pid: undefined, request });
      tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid').then((rows) => resolve({ pid: rows[0]!.pid, request }), reject);
    };
  });
  table.set(point, { arrive, released });
  return { reached, release };
}

/**
 * Resolves once `pending` is waiting for a lock held by backend `pid`, or has finished
 * (it did not need the lock). On PGlite, which runs one transaction at a time, there is
 * nothing to wait for: the other request queues behind the held one.
 */
export async function blockedOrDone(db: AppContext['db'], pid: number | undefined, pending: Promise<unknown>): Promise<void> {
  if (pid === undefined) {
    await new Promise((r) => setTimeout(r, 0));
    return;
  }
  let done = false;
  void pending.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    const rows = await db.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
