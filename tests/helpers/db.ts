// A fresh, migrated database for one test file: an in-memory PGlite, or — when DATABASE_URL is
// set (CI's second pass) — a schema of its own on that real PostgreSQL server, dropped after.
import { randomBytes } from 'node:crypto';
import { createPgDatabase, createPgliteDatabase, type Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';

export const onRealPostgres = Boolean(process.env.DATABASE_URL);

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
  } else {
    db = await createPgliteDatabase();
  }
  if (options.migrate !== false) await migrate(db);
  return db;
}
