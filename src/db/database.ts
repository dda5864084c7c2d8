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
      const result = await pool.query(sql, params as unknown[]);
      return result.rows;
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
            return (await client.query(sql, params as unknown[])).rows;
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

export async function createPgliteDatabase(dataDir?: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db: PGlite = dataDir ? new PGlite(dataDir) : new PGlite();
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
  const { join } = await import('node:path');
  const { existsSync } = await import('node:fs');
  const { checkStorage, formatBytes, FIRST_START_BYTES, READY_PROBE_BYTES } = await import('./storage.ts');
  const fresh = !existsSync(join(dataDir, 'pg', 'PG_VERSION'));
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
  const { join } = await import('node:path');
  const { privateFolder, tightenTree } = await import('./private-folder.ts');
  const pgDir = join(dataDir, 'pg');
  await privateFolder(pgDir);
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
