// One interface over a real PostgreSQL (pg Pool) and the embedded one (PGlite). Same SQL, same
// migrations; only parameterised queries. PGlite runs one session, so it serialises
// transactions itself; pg gives each transaction its own pooled connection.
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

export interface Queryable {
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// bigint (int8) and numeric come back as strings from both drivers unless told otherwise;
// counts in this service are small, so int8 is parsed as a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PgOptions {
  searchPath?: string;
  max?: number;
  /** Longest wait for a connection, new or from the pool (ms); unbounded when unset. */
  connectTimeoutMs?: number;
  /** Server-side statement_timeout and lock_timeout of every session (ms); unbounded when unset. */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

export function createPgDatabase(connectionString: string, options: PgOptions = {}): Database {
  const settings = [
    options.searchPath ? `-c search_path=${options.searchPath}` : '',
    options.statementTimeoutMs ? `-c statement_timeout=${options.statementTimeoutMs}` : '',
    options.lockTimeoutMs ? `-c lock_timeout=${options.lockTimeoutMs}` : '',
  ].filter(Boolean);
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    // Dead peers (a failover, a cable) are noticed instead of waited on forever.
    keepAlive: true,
    ...(options.connectTimeoutMs ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
    ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  return {
    kind: 'postgres',
    async query(sql, params = []) {
      const result = await pool.query<Record<string, unknown>>(sql, params as unknown[]);
      return result.rows as never;
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      // A checked-out client is not watched by the pool: when the server ends its connection
      // (a terminated backend, an immediate stop, a failover) the client emits 'error', and an
      // unheard 'error' event would end the process. Listen for it; a broken client is
      // destroyed on release instead of going back to the pool.
      let broken: Error | undefined;
      const onError = (e: Error) => {
        broken ??= e;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          async query(sql, params = []) {
            return (await client.query<Record<string, unknown>>(sql, params as unknown[])).rows as never;
          },
          async exec(sql) {
            await client.query(sql);
          },
        };
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        if (!broken) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            broken ??= rollbackError;
          });
        }
        throw e;
      } finally {
        // The listener stays on a destroyed client: late errors from its socket are harmless.
        if (!broken) client.removeListener('error', onError);
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * PostgreSQL settings of the embedded database, beside PGlite's own start parameters. PGlite
 * keeps PostgreSQL's shared_buffers of 128 MB (160 MB as it reports it), all of it inside the
 * WebAssembly memory and touched as it fills. A committee's database is a few megabytes, so
 * 16 MB of buffers hold it whole; what does not fit is read from the data folder through the
 * operating system's page cache. Measured with `npm run bench -- memory` (README, "Memory").
 */
export const EMBEDDED_SETTINGS: readonly string[] = ['shared_buffers=16MB'];

async function embeddedStartParams(): Promise<string[]> {
  const { PGlite } = await import('@electric-sql/pglite');
  return [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS.flatMap((s) => ['-c', s])];
}

export async function createPgliteDatabase(dataDir?: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const startParams = await embeddedStartParams();
  const db: PGlite = dataDir ? new PGlite(dataDir, { startParams }) : new PGlite({ startParams });
  await db.waitReady;
  const parsers = { 20: (v: string) => Number(v) };
  return {
    kind: 'pglite',
    async query(sql, params = []) {
      return (await db.query(sql, params as unknown[], { parsers })).rows as never;
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async transaction(fn) {
      return db.transaction(async (t) =>
        fn({
          async query(sql, params = []) {
            return (await t.query(sql, params as unknown[], { parsers })).rows as never;
          },
          async exec(sql) {
            await t.exec(sql);
          },
        }),
      );
    },
    async close() {
      await db.close();
    },
  };
}

/** A start-up failure with a message meant for the person starting the service (no stack). */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Opens the configured store: DATABASE_URL when set, otherwise PGlite in the data folder. */
export async function openDatabase(config: {
  databaseUrl?: string | undefined;
  dataDir: string;
  db?: { connectTimeoutMs: number; statementTimeoutMs: number; lockTimeoutMs: number };
}): Promise<Database> {
  if (config.databaseUrl) return createPgDatabase(config.databaseUrl, { ...config.db });
  const { privateFolder } = await import('./private-folder.ts');
  const { lockDataFolder } = await import('./folder-lock.ts');
  // Private data at rest: nothing this process creates is open to other local accounts.
  process.umask(0o077);
  await privateFolder(config.dataDir);
  // Room on the disk first: even the folder lock below is a write.
  await ensureRoom(config.dataDir);
  // One process per data folder (folder-lock.ts), taken before anything reads the database.
  const unlock = await lockDataFolder(config.dataDir);
  try {
    return await openEmbedded(config.dataDir, unlock);
  } catch (e) {
    await unlock();
    throw e;
  }
}

/** Stops the start with a message, not a WebAssembly abort, when the disk cannot hold the database. */
async function ensureRoom(dataDir: string): Promise<void> {
  const path = await import('node:path');
  const { existsSync } = await import('node:fs');
  const { checkStorage, formatBytes, FIRST_START_BYTES, READY_PROBE_BYTES } = await import('./storage.ts');
  const fresh = !existsSync(path.join(dataDir, 'pg', 'PG_VERSION'));
  const need = fresh ? FIRST_START_BYTES : READY_PROBE_BYTES;
  const room = await checkStorage(dataDir, READY_PROBE_BYTES, need);
  if (!room.ok) {
    throw new StartupError(
      `no room on the disk for the embedded database in ${dataDir}: ${formatBytes(room.freeBytes)} free${room.error ? ` (a test write failed: ${room.error})` : ''}, ` +
        `${formatBytes(need)} needed${fresh ? ' to create it' : ''}. Free some disk space, or set PIAOJUE_DATA_DIR to a folder on a disk with room, and start again.`,
    );
  }
}

/** PGlite in `<dataDir>/pg`, once this process holds the folder; closing releases it. */
async function openEmbedded(dataDir: string, unlock: () => Promise<void>): Promise<Database> {
  const path = await import('node:path');
  const { privateFolder, tightenTree } = await import('./private-folder.ts');
  const pgDir = path.join(dataDir, 'pg');
  await privateFolder(pgDir);
  await createInChildProcess(pgDir);
  const db = await createPgliteDatabase(pgDir);
  await tightenTree(dataDir);
  return {
    ...db,
    async close() {
      await db.close();
      await tightenTree(dataDir);
      await unlock();
    },
  };
}

/**
 * Creates a fresh embedded database (PostgreSQL's initdb, inside PGlite) in a child process that
 * exits when it is done, so that the service itself only ever opens an existing one. Creating
 * it in the service's own process left about 500 MB resident for good (initdb's WebAssembly
 * instance and its heap: 937 MB idle after a first start against 467 MB after a restart on the
 * same folder, `npm run bench -- memory`). Does nothing when the folder already holds a database.
 */
async function createInChildProcess(pgDir: string): Promise<void> {
  const path = await import('node:path');
  const { existsSync } = await import('node:fs');
  if (existsSync(path.join(pgDir, 'PG_VERSION'))) return;
  const { spawn } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const script =
    'const { PGlite } = require(process.env.PIAOJUE_PGLITE_MODULE);' +
    '(async () => {' +
    '  const db = new PGlite(process.env.PIAOJUE_PGLITE_DIR, { startParams: JSON.parse(process.env.PIAOJUE_PGLITE_START) });' +
    '  await db.waitReady;' +
    '  await db.close();' +
    '})().catch((e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); });';
  const child = spawn(process.execPath, ['-e', script], {
    env: {
      ...process.env,
      PIAOJUE_PGLITE_MODULE: createRequire(import.meta.url).resolve('@electric-sql/pglite'),
      PIAOJUE_PGLITE_DIR: pgDir,
      PIAOJUE_PGLITE_START: JSON.stringify(await embeddedStartParams()),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve([c, s]));
  });
  if (code !== 0) {
    throw new StartupError(
      `could not create the embedded database in ${pgDir} (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  }
}
