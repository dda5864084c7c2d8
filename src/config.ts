// Configuration from the environment, validated once at start. A bad value stops the start
// with a message naming the variable.
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const millis = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PIAOJUE_DATA_DIR: z.string().min(1).default('./data'),
  PIAOJUE_SIGNING_KEY: z.string().min(1).optional(),
  PIAOJUE_RETIRED_KEYS: z.string().min(1).optional(),
  PIAOJUE_ISSUER: z.string().min(1).default('piaojue'),
  PIAOJUE_ACCESS_TOKEN_TTL: seconds(60, 86_400).default(900),
  PIAOJUE_ENROLMENT_CODE_TTL: seconds(60, 30 * 86_400).default(72 * 3600),
  PIAOJUE_LOG: z.enum(['silent', 'info']).default('info'),
  PIAOJUE_CRYPTO_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  PIAOJUE_TLS_CERT: z.string().min(1).optional(),
  PIAOJUE_TLS_KEY: z.string().min(1).optional(),
  PIAOJUE_PUBLIC_URL: z
    .string()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http:// or https:// URL, e.g. https://192.168.1.20:8443')
    .refine(
      (v) => !URL.canParse(v) || ((u) => u.search === '' && u.hash === '' && u.username === '' && u.password === '')(new URL(v)),
      'must be a plain address, without query, fragment or credentials',
    )
    .optional(),
  PIAOJUE_DB_CONNECT_TIMEOUT_MS: millis(50, 600_000).default(5_000),
  PIAOJUE_DB_STATEMENT_TIMEOUT_MS: millis(50, 3_600_000).default(30_000),
  PIAOJUE_DB_LOCK_TIMEOUT_MS: millis(50, 3_600_000).default(5_000),
  PIAOJUE_READY_TIMEOUT_MS: millis(50, 60_000).default(2_000),
  PIAOJUE_SHUTDOWN_TIMEOUT_MS: millis(0, 600_000).default(10_000),
  PIAOJUE_CAST_QUEUE_PER_VOTE: z.coerce.number().int().min(1).max(100_000).default(256),
  PIAOJUE_CAST_QUEUE_TOTAL: z.coerce.number().int().min(1).max(1_000_000).default(1024),
  PIAOJUE_CAST_BATCH_MAX: z.coerce.number().int().min(1).max(256).default(32),
  PIAOJUE_CAST_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(50).default(2),
  PIAOJUE_BALLOT_MIX_MS: z.coerce.number().int().min(0).max(10_000).default(600),
  PIAOJUE_BALLOT_MIX_SIZE: z.coerce.number().int().min(1).max(1_000).default(64),
  PIAOJUE_HEADERS_TIMEOUT_MS: millis(50, 600_000).default(10_000),
  PIAOJUE_REQUEST_TIMEOUT_MS: millis(50, 3_600_000).default(30_000),
  PIAOJUE_KEEP_ALIVE_TIMEOUT_MS: millis(100, 600_000).default(65_000),
  PIAOJUE_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(2_000),
  PIAOJUE_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
  PIAOJUE_TRUST_PROXY: z.string().trim().min(1).optional(),
  PIAOJUE_RATE_LIMIT_WINDOW_MS: millis(1_000, 3_600_000).default(60_000),
  PIAOJUE_RATE_LIMIT_CAST: z.coerce.number().int().min(0).max(100_000_000).default(6_000),
  PIAOJUE_RATE_LIMIT_PUBLIC: z.coerce.number().int().min(0).max(100_000_000).default(360_000),
  PIAOJUE_RATE_LIMIT_SLIP_FAILURES: z.coerce.number().int().min(0).max(100_000_000).default(300),
  // Test-only (tests/integration/crash.test.ts): see `testHold` below. Never set in service.
  PIAOJUE_TEST_HOLD: z
    .string()
    .trim()
    .regex(/^[A-Za-z]+\.[A-Za-z]+(:\d{1,6})?$/, 'a checkpoint name, optionally :N')
    .optional(),
});

/** Names Express's `trust proxy` takes for address ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * PIAOJUE_TRUST_PROXY: off (unset, `false`, `off`, `0`); a hop count (`1`: one proxy in front);
 * or the proxies' addresses, comma-separated (IP, CIDR, or loopback/linklocal/uniquelocal).
 * `true` (trust every hop) is refused: any client could then choose its address by sending
 * X-Forwarded-For and so escape its limits.
 */
function parseTrustProxy(value: string | undefined): number | string[] | false {
  if (value === undefined || ['false', 'off', '0'].includes(value.toLowerCase())) return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 16) throw new ConfigError('PIAOJUE_TRUST_PROXY', 'a hop count must be at most 16');
    return hops;
  }
  if (value.toLowerCase() === 'true') {
    throw new ConfigError(
      'PIAOJUE_TRUST_PROXY',
      'give the number of proxies in front (e.g. 1) or their addresses, not true: trusting every hop lets any client choose its address',
    );
  }
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const entry of list) {
    const [addr, prefix, ...rest] = entry.split('/');
    const kind = isIP(addr ?? '');
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (kind === 6 ? 128 : 32));
    if (!NAMED_RANGES.has(entry) && (kind === 0 || rest.length > 0 || !prefixOk)) {
      throw new ConfigError('PIAOJUE_TRUST_PROXY', `"${entry}" is not a hop count, an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`);
    }
  }
  if (list.length === 0) throw new ConfigError('PIAOJUE_TRUST_PROXY', "give a hop count or the proxies' addresses");
  return list;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  signingKey: string | undefined;
  /** With signingKey: the keys it replaced (`piaojue keys rotate`), a JSON array of private JWKs. */
  retiredKeys: string | undefined;
  issuer: string;
  accessTokenTtl: number;
  enrolmentCodeTtl: number;
  log: 'silent' | 'info';
  /** Worker threads for BLS signing and checks; 0 runs them on the main thread. */
  cryptoThreads: number;
  /** PEM files; with both set the service speaks HTTPS (phones need a secure context for WebCrypto). */
  tls: { certFile: string; keyFile: string } | undefined;
  /** The address phones use (enrolment links, QR codes), without a trailing slash; unset: the address the browser used. */
  publicUrl: string | undefined;
  /** Bounds on every wait for the database, in milliseconds (PostgreSQL mode). */
  db: { connectTimeoutMs: number; statementTimeoutMs: number; lockTimeoutMs: number };
  /** How long /readyz waits for the database before answering 503. */
  readyTimeoutMs: number;
  /** On SIGTERM, how long requests in progress may take to finish before connections are cut. */
  shutdownTimeoutMs: number;
  /** Ballot verifications (signature checks and pairing) admitted at once, per vote and in all; more get 503. */
  castQueue: { perVote: number; total: number };
  /**
   * Token checks of concurrent casts of one vote verified together (votes/token-batcher.ts): at
   * most `max` per batch (1: every cast alone), gathered for at most `windowMs` while a batch
   * of the vote is already being checked (a lone cast is checked at once).
   */
  castBatch: { max: number; windowMs: number };
  /**
   * Checked ballots of one vote are inserted together, in one statement and a random order
   * (votes/ballot-mixer.ts): after a wait drawn in [maxWaitMs/2, maxWaitMs] from the first of
   * them (0: at once), or as soon as `size` are waiting.
   */
  ballotMix: { maxWaitMs: number; size: number };
  /**
   * Bounds on slow and excess clients, in milliseconds: a request's headers must arrive within
   * headersTimeoutMs and the whole request within requestTimeoutMs (else 408 and the connection
   * is closed); an idle keep-alive connection is closed after keepAliveTimeoutMs; connections
   * beyond maxConnections are closed as soon as they are accepted.
   */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number };
  /**
   * Per client: connections from one socket address beyond maxConnectionsPerClient are closed
   * as soon as they are accepted (0: no per-client cap); requests to the cast route and to the
   * public routes beyond castPerWindow / publicPerWindow in a window of windowMs are answered
   * 429 rate_limited (0: that limit is off), and so are slip redemptions once slipFailuresPerWindow
   * of them from the client were refused (an unknown, spent or voided code) in the window. A client is its address: the socket's, or with
   * trustProxy the one X-Forwarded-For gives (Express's `trust proxy`: false, a hop count, or
   * the proxies' addresses).
   */
  clients: {
    trustProxy: number | string[] | false;
    maxConnectionsPerClient: number;
    windowMs: number;
    castPerWindow: number;
    publicPerWindow: number;
    slipFailuresPerWindow: number;
  };
  /**
   * Test-only, unset in service (PIAOJUE_TEST_HOLD=point or point:N): every request that reaches
   * the named checkpoint (AppContext.checkpoint) after the first N is held there for good, and
   * the service writes `piaojue: test hold at <point>` to stderr — so a test driving a child
   * process (tests/integration/crash.test.ts) can kill it with requests certainly in flight.
   */
  testHold: { point: string; after: number } | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as a shell user would expect from `PORT= npm start`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const c = parsed.data;
  if (Boolean(c.PIAOJUE_TLS_CERT) !== Boolean(c.PIAOJUE_TLS_KEY)) {
    throw new ConfigError(c.PIAOJUE_TLS_CERT ? 'PIAOJUE_TLS_KEY' : 'PIAOJUE_TLS_CERT', 'set both PIAOJUE_TLS_CERT and PIAOJUE_TLS_KEY, or neither');
  }
  if (c.PIAOJUE_RETIRED_KEYS && !c.PIAOJUE_SIGNING_KEY) {
    throw new ConfigError(
      'PIAOJUE_RETIRED_KEYS',
      'goes with PIAOJUE_SIGNING_KEY (with the key in the data folder, the retired keys are in its retired-keys.json)',
    );
  }
  // The headers are part of the request, so their deadline cannot be the later one (Node refuses it too).
  if (c.PIAOJUE_HEADERS_TIMEOUT_MS > c.PIAOJUE_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('PIAOJUE_HEADERS_TIMEOUT_MS', `must not exceed PIAOJUE_REQUEST_TIMEOUT_MS (${c.PIAOJUE_REQUEST_TIMEOUT_MS})`);
  }
  const trustProxy = parseTrustProxy(c.PIAOJUE_TRUST_PROXY);
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    dataDir: c.PIAOJUE_DATA_DIR,
    signingKey: c.PIAOJUE_SIGNING_KEY,
    retiredKeys: c.PIAOJUE_RETIRED_KEYS,
    issuer: c.PIAOJUE_ISSUER,
    accessTokenTtl: c.PIAOJUE_ACCESS_TOKEN_TTL,
    enrolmentCodeTtl: c.PIAOJUE_ENROLMENT_CODE_TTL,
    log: c.PIAOJUE_LOG,
    cryptoThreads: c.PIAOJUE_CRYPTO_THREADS ?? availableParallelism(),
    tls: c.PIAOJUE_TLS_CERT && c.PIAOJUE_TLS_KEY ? { certFile: c.PIAOJUE_TLS_CERT, keyFile: c.PIAOJUE_TLS_KEY } : undefined,
    publicUrl: c.PIAOJUE_PUBLIC_URL === undefined ? undefined : new URL(c.PIAOJUE_PUBLIC_URL).href.replace(/\/+$/, ''),
    db: {
      connectTimeoutMs: c.PIAOJUE_DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: c.PIAOJUE_DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: c.PIAOJUE_DB_LOCK_TIMEOUT_MS,
    },
    readyTimeoutMs: c.PIAOJUE_READY_TIMEOUT_MS,
    shutdownTimeoutMs: c.PIAOJUE_SHUTDOWN_TIMEOUT_MS,
    castQueue: { perVote: c.PIAOJUE_CAST_QUEUE_PER_VOTE, total: c.PIAOJUE_CAST_QUEUE_TOTAL },
    castBatch: { max: c.PIAOJUE_CAST_BATCH_MAX, windowMs: c.PIAOJUE_CAST_BATCH_WINDOW_MS },
    ballotMix: { maxWaitMs: c.PIAOJUE_BALLOT_MIX_MS, size: c.PIAOJUE_BALLOT_MIX_SIZE },
    http: {
      headersTimeoutMs: c.PIAOJUE_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: c.PIAOJUE_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: c.PIAOJUE_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: c.PIAOJUE_MAX_CONNECTIONS,
    },
    testHold:
      c.PIAOJUE_TEST_HOLD === undefined ? undefined : { point: c.PIAOJUE_TEST_HOLD.split(':')[0]!, after: Number(c.PIAOJUE_TEST_HOLD.split(':')[1] ?? 0) },
    clients: {
      trustProxy,
      maxConnectionsPerClient: c.PIAOJUE_MAX_CONNECTIONS_PER_CLIENT,
      windowMs: c.PIAOJUE_RATE_LIMIT_WINDOW_MS,
      castPerWindow: c.PIAOJUE_RATE_LIMIT_CAST,
      publicPerWindow: c.PIAOJUE_RATE_LIMIT_PUBLIC,
      slipFailuresPerWindow: c.PIAOJUE_RATE_LIMIT_SLIP_FAILURES,
    },
  };
}
