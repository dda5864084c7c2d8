// Starting and stopping the service: config → database → migrations → keys → HTTP.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { openDatabase, StartupError, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { bindServiceKey } from './db/service-key.ts';
import { loadServiceKeys, type ServiceKeys } from './keys.ts';
import { createLogger, type Logger } from './log.ts';
import { createApp } from './http/app.ts';
import { loadWebClient, type WebClient } from './web/serve.ts';
import { capConnectionsPerClient } from './http/client-limits.ts';
import { testHoldCheckpoint, type AppContext } from './context.ts';
import { bootstrapAdmin } from './devices/enrolment.ts';
import { recordGrantsInOffice } from './committees/service.ts';
import { createVoteCrypto } from './votes/crypto-tasks.ts';
import { addressProblem, addressProblemText } from './public-url.ts';

export interface RunningService {
  ctx: AppContext;
  url: string;
  /** The first-start administrator code, when this start created the administrator. */
  firstAdmin: { personId: string; code: string; expiresAt: string } | undefined;
  close(): Promise<void>;
}

export async function buildContext(config: Config, overrides: { db?: Database; keys?: ServiceKeys; now?: () => Date; log?: Logger } = {}): Promise<AppContext> {
  const db = overrides.db ?? (await openDatabase(config));
  let keys: ServiceKeys;
  try {
    await migrate(db);
    keys = overrides.keys ?? (await loadServiceKeys(config));
    await bindServiceKey(db, keys);
  } catch (e) {
    // A database this function opened is closed again (an embedded one holds its folder's lock).
    if (!overrides.db) await db.close().catch(() => {});
    throw e;
  }
  const checkpoint = testHoldCheckpoint(config.testHold, (line) => process.stderr.write(line));
  return {
    config,
    db,
    keys,
    log: overrides.log ?? createLogger(config.log),
    crypto: createVoteCrypto(config.cryptoThreads),
    now: overrides.now ?? (() => new Date()),
    ...(checkpoint ? { checkpoint } : {}),
  };
}

export async function startService(config: Config, overrides: Parameters<typeof buildContext>[1] = {}): Promise<RunningService> {
  // The pre-built browser client (dist/web), checked against its manifest before the database is
  // touched: a missing or damaged bundle stops the start here, not at a browser's first request.
  let web: WebClient;
  try {
    web = loadWebClient();
  } catch (e) {
    throw new StartupError((e as Error).message);
  }
  const ctx = await buildContext(config, overrides);
  const first = await bootstrapAdmin(ctx);
  await recordGrantsInOffice(ctx);
  ctx.crypto.warm();
  const app = createApp(ctx, web);
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections } = config.http;
  // Slow clients: headers and whole requests have deadlines (a stalled upload is cut with 408
  // instead of holding its buffer for Node's default 300 s). Node checks the deadlines on a
  // timer, 30 s apart by default; checking at a quarter of the shorter one keeps the cut close to it.
  const limits = {
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(25, Math.floor(Math.min(headersTimeoutMs, requestTimeoutMs) / 4)),
  };
  const server: Server = config.tls
    ? createHttpsServer({ ...limits, cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) }, app)
    : createHttpServer(limits, app);
  // Idle keep-alive connections (default 65 s) stay open longer than clients and proxies keep
  // theirs, so a client never sends a request on a socket the server is just closing (ECONNRESET).
  server.keepAliveTimeout = keepAliveTimeoutMs;
  // Excess clients: connections beyond this are closed as soon as they are accepted.
  server.maxConnections = maxConnections;
  // And beyond PIAOJUE_MAX_CONNECTIONS_PER_CLIENT from one socket address (client-limits.ts);
  // proxies trusted by address are exempt, since every client behind them comes from there.
  const trust = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  const trustedByAddress = Array.isArray(config.clients.trustProxy);
  capConnectionsPerClient(server, config.clients.maxConnectionsPerClient, (address) => trustedByAddress && trust(address, 0));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
  // Where phones are sent: the configured public address, else what this machine listens on.
  const linkBase = config.publicUrl ?? `${config.tls ? 'https' : 'http'}://${host === '127.0.0.1' ? 'localhost' : host}:${port}`;
  const problem = addressProblem(linkBase);
  if (problem) {
    const text = addressProblemText(problem, linkBase);
    ctx.log.info(`  注意 / Note: ${text.zh}\n  ${text.en}`);
  }
  if (first) {
    const page = `${linkBase}/#/admin`;
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
    /**
     * Stops taking connections and lets the requests in progress finish — within
     * PIAOJUE_SHUTDOWN_TIMEOUT_MS, after which the remaining connections are cut — then stops
     * the crypto workers and the database. Keep-alive connections are closed as they go idle.
     */
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idle = setInterval(() => server.closeIdleConnections(), 25);
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      try {
        await closed;
      } finally {
        clearInterval(idle);
        clearTimeout(deadline);
      }
      await ctx.crypto.close();
      // The pool waits for its checked-out connections; one stuck on an unreachable server
      // must not hold the stop past its deadline (the process exits after this anyway).
      if (!overrides.db) {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(1_000, config.shutdownTimeoutMs))));
        await Promise.race([ctx.db.close().catch(() => undefined), late]);
        clearTimeout(timer);
      }
    },
  };
}
