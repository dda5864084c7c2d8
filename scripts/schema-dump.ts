// Writes migrations/schema.txt: the schema the migrations build, as src/db/schema.ts describes it.
// Run after adding a migration, and review the difference with the migration itself:
//   node bin/run-ts.js scripts/schema-dump.ts
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createPgliteDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { describeSchema } from '../src/db/schema.ts';

const out = fileURLToPath(new URL('../migrations/schema.txt', import.meta.url));
const db = await createPgliteDatabase();
try {
  await migrate(db);
  await writeFile(out, await describeSchema(db));
  console.log(`wrote ${out}`);
} finally {
  await db.close();
}
