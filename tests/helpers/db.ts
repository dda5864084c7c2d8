// A fresh, migrated database for one test file: an in-memory PGlite, or — when DATABASE_URL is
// set (CI's second pass) — a schema of its own on that real PostgreSQL server, dropped after.
import { randomBytes } from 'node:crypto';
import { createPgDatabase, createPgliteDatabase, type Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';

export const onRealPostgres = Boolean(process.env.DATABASE_URL);

/** Where each test database lives on the real server, to open it again from a second instance. */
const schemas = new WeakMap<Database, { url: string; schema: string }>();

/**
 * The same database through a second connection pool, as a second service instance would see
 * it; on PGlite (one process, one session) the same database object. Closing it leaves the
 * database in place.
 */
export function openAgain(db: Database): Database {
  const at = schemas.get(db);
  if (!at) return { ...db, async close() {} };
  return createPgDatabase(at.url, { searchPath: at.schema, max: 20 });
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<Database> {
  let db: Database;
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = createPgDatabase(url, { max: 1 });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    await admin.close();
    const inner = createPgDatabase(url, { searchPath: schema, max: 20 });
    db = {
      ...inner,
      async close() {
        await inner.close();
        const cleanup = createPgDatabase(url, { max: 1 });
        await cleanup.exec(`DROP SCHEMA ${schema} CASCADE`);
        await cleanup.close();
      },
    };
    schemas.set(db, { url, schema });
  } else {
    db = await createPgliteDatabase();
  }
  if (options.migrate !== false) await migrate(db);
  return db;
}
