// A real service on an ephemeral port over a real database, for API tests.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { generateServiceKeys, type ServiceKeys } from '../../src/keys.ts';
import { startService, type RunningService } from '../../src/server.ts';
import type { Logger } from '../../src/log.ts';
import { createTestDatabase, openAgain } from './db.ts';

export interface TestService extends RunningService {
  adminCode: string;
  /** Moves the service clock forward (JWT expiry, code expiry). */
  advance(ms: number): void;
}

/**
 * `sameDatabaseAs` starts a second instance over the first one's database and keys, with a
 * connection pool of its own (as two processes behind a load balancer would run).
 */
export async function startTestService(
  options: { env?: Record<string, string>; keys?: ServiceKeys; sameDatabaseAs?: TestService; log?: Logger } = {},
): Promise<TestService> {
  const db = options.sameDatabaseAs ? openAgain(options.sameDatabaseAs.ctx.db) : await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'piaojue-test-'));
  // Ballots wait at most 10 ms for companions here (ballot-mixer.ts; the service waits up to
  // 600 ms): the same code path, without slowing the many sequential casts of the tests.
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', PIAOJUE_LOG: 'silent', PIAOJUE_DATA_DIR: dataDir, PIAOJUE_BALLOT_MIX_MS: '10', ...options.env });
  let offset = 0;
  let service: RunningService;
  try {
    service = await startService(config, {
      db,
      keys: options.keys ?? options.sameDatabaseAs?.ctx.keys ?? (await generateServiceKeys()),
      now: () => new Date(Date.now() + offset),
      ...(options.log ? { log: options.log } : {}),
    });
  } catch (e) {
    await db.close();
    throw e;
  }
  return {
    ...service,
    adminCode: service.firstAdmin?.code ?? '',
    advance(ms) {
      offset += ms;
    },
    async close() {
      await service.close();
      await db.close();
    },
  };
}
