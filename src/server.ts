// Starting and stopping the service: config → database → migrations → keys → HTTP.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { loadServiceKeys, type ServiceKeys } from './keys.ts';
import { createLogger } from './log.ts';
import { createApp } from './http/app.ts';
import type { AppContext } from './http/context.ts';
import { bootstrapAdmin } from './people/enrolment.ts';
import { recordGrantsInOffice } from './committees/service.ts';
import { createVoteCrypto } from './votes/crypto-tasks.ts';

export interface RunningService {
  ctx: AppContext;
  url: string;
  /** The first-start administrator code, when this start created the administrator. */
  firstAdmin: { personId: string; code: string; expiresAt: string } | undefined;
  close(): Promise<void>;
}

export async function buildContext(config: Config, overrides: { db?: Database; keys?: ServiceKeys; now?: () => Date } = {}): Promise<AppContext> {
  const db = overrides.db ?? (await openDatabase(config));
  await migrate(db);
  const keys = overrides.keys ?? (await loadServiceKeys(config));
  return { config, db, keys, log: createLogger(config.log), crypto: createVoteCrypto(config.cryptoThreads), now: overrides.now ?? (() => new Date()) };
}

export async function startService(config: Config, overrides: Parameters<typeof buildContext>[1] = {}): Promise<RunningService> {
  const ctx = await buildContext(config, overrides);
  const first = await bootstrapAdmin(ctx);
  await recordGrantsInOffice(ctx);
  ctx.crypto.warm();
  const app = createApp(ctx);
  const server: Server = config.tls
    ? createHttpsServer({ cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) }, app)
    : createHttpServer(app);
  // Idle keep-alive connections stay open longer than clients and proxies keep theirs, so a
  // client never sends a request on a socket the server is just closing (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
  if (first) {
    const page = `${config.tls ? 'https' : 'http'}://${host === '127.0.0.1' ? 'localhost' : host}:${port}/#/admin`;
    ctx.log.info(
      [
        '',
        '  首次启动：管理员一次性登记码 / First start: one-time administrator enrolment code',
        `  ${first.code}   (expires ${first.expiresAt}; shown once)`,
        `  在 ${page} 输入此码登记管理员设备 / enter it at ${page} to enrol the administrator's device`,
        '',
      ].join('\n'),
    );
  }
  ctx.log.info(`piaojue listening on ${url} (${ctx.db.kind === 'pglite' ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL'})`);
  return {
    ctx,
    url,
    firstAdmin: first,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await ctx.crypto.close();
      if (!overrides.db) await ctx.db.close();
    },
  };
}
