// Faults of a real PostgreSQL server, injected on a cluster of this file's own: a backend
// terminated inside a transaction, the server stopped and started, a table locked for longer
// than the service will wait. The service must keep answering, with 503 and Retry-After while
// the database cannot serve, and never die.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { Api, enrolAndLogin, type Reply } from '../helpers/client.ts';
import { serve, type Served } from '../helpers/spawn.ts';
import { clusterToolsMissing, createCluster, type TestCluster } from '../helpers/cluster.ts';

const skip = clusterToolsMissing;
let cluster: TestCluster;

beforeAll(async () => {
  if (!skip) cluster = await createCluster();
}, 120_000);
// Cleaned up even when a test times out half-way: the services it started, and a server it
// froze (a frozen server could not be stopped and dropped).
const children: Served[] = [];
const frozen: number[] = [];
afterAll(async () => {
  for (const pid of frozen) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone already
    }
  }
  for (const c of children) c.child.kill('SIGKILL');
  await cluster?.drop();
}, 60_000);

/** Polls until fn returns a value other than undefined (no timing is asserted). */
async function until<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Backends of database `db` waiting for a lock, seen from a connection of its own. */
async function lockWaiters(watcher: pg.Client, db: string): Promise<number[]> {
  const rows = await watcher.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [db]);
  return rows.rows.map((r) => r.pid);
}

async function startOnCluster(
  extra: Record<string, string> = {},
): Promise<{ served: Served; url: string; db: string; admin: Awaited<ReturnType<typeof enrolAndLogin>> }> {
  const dbUrl = await cluster.createDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'piaojue-dbfault-'));
  const served = serve(dir, { DATABASE_URL: dbUrl, PIAOJUE_CRYPTO_THREADS: '0', ...extra });
  children.push(served);
  const { url, code } = await served.ready;
  const admin = await enrolAndLogin(new Api(url), code!);
  return { served, url, db: new URL(dbUrl).pathname.slice(1), admin };
}

function expectUnavailable(reply: Reply): void {
  expect(reply.status).toBe(503);
  expect(reply.body.type).toBe('urn:piaojue:problem:database_unavailable');
  expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
}

describe.skipIf(skip)(skip ? `PostgreSQL faults (skipped: ${skip})` : 'PostgreSQL faults', () => {
  it('keeps serving after PostgreSQL terminates its connection inside a transaction', async () => {
    const { served, url, db, admin } = await startOnCluster();
    const holder = await cluster.connect(db);
    const watcher = await cluster.connect(db);
    try {
      // Creating a committee inserts the committee, then waits here for the chain table.
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE chain_heads IN ACCESS EXCLUSIVE MODE');
      const pending = admin.api.post('/v1/committees', { name: '断线委员会', kind: 'standing' });
      const [pid] = await until(async () => {
        const pids = await lockWaiters(watcher, db);
        return pids.length > 0 ? pids : undefined;
      });
      await watcher.query('SELECT pg_terminate_backend($1)', [pid]);
      await holder.query('ROLLBACK');

      const reply = await pending;
      expectUnavailable(reply);
      // The process is alive and the next requests are served.
      expect(served.child.exitCode).toBeNull();
      expect((await new Api(url).get('/readyz')).status).toBe(200);
      const again = await admin.api.post('/v1/committees', { name: '断线委员会', kind: 'standing' });
      expect(again.status).toBe(201);
    } finally {
      await holder.end();
      await watcher.end();
      await served.stop();
    }
  }, 60_000);

  it('answers 503 with Retry-After while PostgreSQL is down, and serves again once it is back', async () => {
    const { served, url, admin } = await startOnCluster();
    try {
      expect((await admin.api.post('/v1/committees', { name: '停机前', kind: 'standing' })).status).toBe(201);
      await cluster.stop('immediate');
      try {
        expectUnavailable(await admin.api.post('/v1/committees', { name: '停机中', kind: 'standing' }));
        expectUnavailable(await admin.api.get('/v1/me'));
        const ready = await new Api(url).get('/readyz');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({ status: 'not_ready', database: false });
      } finally {
        await cluster.start();
      }
      expect(served.child.exitCode).toBeNull();
      expect((await new Api(url).get('/readyz')).status).toBe(200);
      expect((await admin.api.post('/v1/committees', { name: '停机后', kind: 'standing' })).status).toBe(201);
    } finally {
      await served.stop();
    }
  }, 60_000);

  it('answers 503 after the lock timeout instead of waiting for a table locked by someone else', async () => {
    const { served, db, admin } = await startOnCluster({ PIAOJUE_DB_LOCK_TIMEOUT_MS: '200', PIAOJUE_DB_STATEMENT_TIMEOUT_MS: '60000' });
    const holder = await cluster.connect(db);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE chain_heads IN ACCESS EXCLUSIVE MODE');
      expectUnavailable(await admin.api.post('/v1/committees', { name: '锁超时', kind: 'standing' }));
      await holder.query('ROLLBACK');
      expect((await admin.api.post('/v1/committees', { name: '锁超时', kind: 'standing' })).status).toBe(201);
    } finally {
      await holder.end();
      await served.stop();
    }
  }, 60_000);

  it('answers 503 after the statement timeout', async () => {
    const { served, db, admin } = await startOnCluster({ PIAOJUE_DB_LOCK_TIMEOUT_MS: '60000', PIAOJUE_DB_STATEMENT_TIMEOUT_MS: '200' });
    const holder = await cluster.connect(db);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE chain_heads IN ACCESS EXCLUSIVE MODE');
      expectUnavailable(await admin.api.post('/v1/committees', { name: '语句超时', kind: 'standing' }));
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await served.stop();
    }
  }, 60_000);

  it('/readyz answers 503 by its own deadline while the database does not answer', async () => {
    const { served, url, db } = await startOnCluster({
      PIAOJUE_DB_LOCK_TIMEOUT_MS: '60000',
      PIAOJUE_DB_STATEMENT_TIMEOUT_MS: '60000',
      PIAOJUE_READY_TIMEOUT_MS: '200',
    });
    const holder = await cluster.connect(db);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE');
      const ready = await new Api(url).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('not_ready');
      await holder.query('ROLLBACK');
      expect((await new Api(url).get('/readyz')).status).toBe(200);
    } finally {
      await holder.end();
      await served.stop();
    }
  }, 60_000);

  it('answers 503 after the connect timeout while the server accepts no new session', async () => {
    const { served, url, db, admin } = await startOnCluster({ PIAOJUE_DB_CONNECT_TIMEOUT_MS: '300', PIAOJUE_READY_TIMEOUT_MS: '5000' });
    // The service's sessions end; the server, frozen, then answers no new one.
    const postmaster = await freezeServer(db);
    try {
      expectUnavailable(await admin.api.get('/v1/me'));
      expect((await new Api(url).get('/readyz')).status).toBe(503);
    } finally {
      process.kill(postmaster, 'SIGCONT');
    }
    try {
      expect(served.child.exitCode).toBeNull();
      const back = await until(async () => {
        const r = await admin.api.get('/v1/me');
        return r.status === 200 ? r : undefined;
      });
      expect(back.status).toBe(200);
    } finally {
      await served.stop();
    }
  }, 60_000);

  it('stops on SIGTERM within its deadline even with a request stuck connecting to a frozen server', async () => {
    const { served, url, db, admin } = await startOnCluster({ PIAOJUE_DB_CONNECT_TIMEOUT_MS: '600000', PIAOJUE_SHUTDOWN_TIMEOUT_MS: '300' });
    const postmaster = await freezeServer(db);
    try {
      const stuck = admin.api.get('/v1/me').catch((e: Error) => e);
      const exited = new Promise<number | null>((resolve) => served.child.once('exit', (code) => resolve(code)));
      // A request that needs no database, answered after the stuck one went in; then the stop.
      expect((await new Api(url).get('/healthz')).status).toBe(200);
      served.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The stuck request is cut at the deadline, or — when it had not reached the database
      // before the stop began, as on a loaded machine — answered 503: never left hanging.
      const outcome = await stuck;
      if (!(outcome instanceof Error)) {
        expect(outcome).toMatchObject({ status: 503 });
        expect(['shutting_down', 'database_unavailable']).toContain((outcome as { body: { code: string } }).body.code);
      }
    } finally {
      process.kill(postmaster, 'SIGCONT');
    }
  }, 60_000);
});

/** Ends the service's sessions on database `db`, then freezes the cluster's postmaster (SIGSTOP): no new session is answered. Returns its pid for SIGCONT. */
async function freezeServer(db: string): Promise<number> {
  const dataDir = (await cluster.sql('SHOW data_directory')).rows[0].data_directory as string;
  const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  await cluster.sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db]);
  frozen.push(postmaster);
  process.kill(postmaster, 'SIGSTOP');
  return postmaster;
}
