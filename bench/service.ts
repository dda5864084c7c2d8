// A service for a benchmark: on an embedded database of its own unless one is given, silent, on
// an ephemeral port, with a data folder of its own.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createPgliteDatabase, type Database } from '../src/db/database.ts';
import { startService, type RunningService } from '../src/server.ts';

export interface BenchService extends RunningService {
  /** The first administrator's one-time enrolment code. */
  adminCode: string;
}

export async function startBenchService(env: Record<string, string | undefined> = {}, database?: Database): Promise<BenchService> {
  const db = database ?? (await createPgliteDatabase());
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', PIAOJUE_LOG: 'silent', PIAOJUE_DATA_DIR: await mkdtemp(join(tmpdir(), 'piaojue-bench-')), ...env });
  const service = await startService(config, { db });
  return {
    ...service,
    adminCode: service.firstAdmin!.code,
    async close() {
      await service.close();
      if (!database) await db.close();
    },
  };
}
