import { afterEach, describe, expect, it } from 'vitest';
import { createPgDatabase, type Database } from '../../src/db/database.ts';
import { loadMigrations, migrate, migrationsCurrent } from '../../src/db/migrate.ts';
import { createTestDatabase, onRealPostgres } from '../helpers/db.ts';

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe('migrations', () => {
  it('applies every migration once, in order, and records it', async () => {
    db = await createTestDatabase({ migrate: false });
    const all = await loadMigrations();
    expect(all.map((m) => m.version)).toEqual([...all.map((m) => m.version)].sort((a, b) => a - b));
    expect(await migrationsCurrent(db)).toBe(false);
    expect(await migrate(db)).toEqual(all.map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
    expect(await migrationsCurrent(db)).toBe(true);
  });

  it('applies each migration exactly once when two migrators start at once', async () => {
    db = await createTestDatabase({ migrate: false });
    let second: Database = db;
    if (onRealPostgres) {
      // A second pool: a separate set of connections, as a second process would have.
      const schema = (await db.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s;
      second = createPgDatabase(process.env.DATABASE_URL!, { searchPath: schema });
    }
    try {
      const [a, b] = await Promise.all([migrate(db), migrate(second)]);
      const all = (await loadMigrations()).map((m) => m.version);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(all);
      const rows = await db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
      expect(Number(rows[0]!.n)).toBe(all.length);
    } finally {
      if (second !== db) await second.close();
    }
  });

  it('rolls back a failing migration whole and records nothing for it', async () => {
    db = await createTestDatabase({ migrate: false });
    const bad = [{ version: 1, name: 'bad', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();' }];
    await expect(migrate(db, bad)).rejects.toThrow();
    const tables = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done' AND table_schema = current_schema()");
    expect(tables).toHaveLength(0);
    expect(await db.query('SELECT * FROM schema_migrations')).toHaveLength(0);
  });
});

describe('the chain table', () => {
  it('refuses UPDATE, DELETE and TRUNCATE on chain entries', async () => {
    db = await createTestDatabase();
    const c = (await db.query<{ id: string }>("INSERT INTO committees (name, kind, rules) VALUES ('c', 'standing', '{}') RETURNING id"))[0]!;
    await db.query("INSERT INTO chain_entries (committee_id, seq, kind, hash, entry) VALUES ($1, 0, 'committee.created', 'h', '{}')", [c.id]);
    await expect(db.query("UPDATE chain_entries SET hash = 'x'")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM chain_entries')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE chain_entries')).rejects.toThrow(/append-only/);
    expect(await db.query('SELECT hash FROM chain_entries')).toEqual([{ hash: 'h' }]);
  });
});
