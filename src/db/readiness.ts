// Whether the database can serve (GET /readyz): it answers, its migrations are all applied, and
// in embedded mode its disk takes a write. Each part reports what it knew by the deadline.
import type { Database } from './database.ts';
import { migrationsCurrent } from './migrate.ts';
import { checkStorage } from './storage.ts';

export interface Readiness {
  database: boolean;
  migrations: boolean;
  /** Only in embedded mode, where the database's disk is ours. */
  storage?: boolean;
}

/**
 * Checks with a deadline of its own: a database that does not answer within `timeoutMs` is not
 * ready, and a load balancer or supervisor hears so instead of waiting. A check still running
 * at the deadline counts as failed.
 */
export async function checkReadiness(db: Database, dataDir: string, timeoutMs: number): Promise<Readiness> {
  // In embedded mode the database's disk is ours: readiness also tries a write there, since a
  // full disk fails every write while reads go on working.
  const embedded = db.kind === 'pglite';
  const state: Readiness = { database: false, migrations: false, ...(embedded ? { storage: false } : {}) };
  const check = (async () => {
    const storage = embedded ? checkStorage(dataDir).then((s) => (state.storage = s.ok)) : undefined;
    await db.query('SELECT 1');
    state.database = true;
    state.migrations = await migrationsCurrent(db);
    await storage;
  })().catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([check, deadline]);
  clearTimeout(timer);
  // A copy: the checks still running must not change the answer once given.
  return { ...state };
}
