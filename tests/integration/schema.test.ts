import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { describeSchema } from '../../src/db/schema.ts';
import { createTestDatabase } from '../helpers/db.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

describe('the committed schema', () => {
  it('is exactly what the migrations build on this database (after a migration: node bin/run-ts.js scripts/schema-dump.ts)', async () => {
    const committed = await readFile(new URL('../../migrations/schema.txt', import.meta.url), 'utf8');
    expect(await describeSchema(db)).toBe(committed);
  });

  it('shows a column added outside the migrations', async () => {
    const before = await describeSchema(db);
    await db.exec('ALTER TABLE ballots ADD COLUMN cast_at timestamptz');
    try {
      const after = await describeSchema(db);
      expect(after).not.toBe(before);
      expect(after).toContain('column ballots.cast_at timestamp with time zone\n');
    } finally {
      await db.exec('ALTER TABLE ballots DROP COLUMN cast_at');
    }
  });
});
