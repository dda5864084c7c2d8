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

export function createPgDatabase(connectionString: string, options: { searchPath?: string; max?: number } = {}): Database {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
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
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
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

/** Opens the configured store: DATABASE_URL when set, otherwise PGlite in the data folder. */
export async function openDatabase(config: { databaseUrl?: string | undefined; dataDir: string }): Promise<Database> {
  if (config.databaseUrl) return createPgDatabase(config.databaseUrl);
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { lockDataFolder } = await import('./folder-lock.ts');
  await mkdir(config.dataDir, { recursive: true });
  const unlock = await lockDataFolder(config.dataDir);
  try {
    const db = await createPgliteDatabase(join(config.dataDir, 'pg'));
    return {
      ...db,
      async close() {
        await db.close();
        await unlock();
      },
    };
  } catch (e) {
    await unlock();
    throw e;
  }
}
