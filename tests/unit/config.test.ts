import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('has defaults that run on a fresh machine', () => {
    expect(loadConfig({})).toMatchObject({ port: 8080, dataDir: './data', databaseUrl: undefined, issuer: 'piaojue', accessTokenTtl: 900 });
  });

  it('mixes ballots for up to 600 ms or 64 at a time by default; 0 writes each at once; refuses a negative wait', () => {
    expect(loadConfig({}).ballotMix).toEqual({ maxWaitMs: 600, size: 64 });
    expect(loadConfig({ PIAOJUE_BALLOT_MIX_MS: '0', PIAOJUE_BALLOT_MIX_SIZE: '8' }).ballotMix).toEqual({ maxWaitMs: 0, size: 8 });
    expect(() => loadConfig({ PIAOJUE_BALLOT_MIX_MS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ PIAOJUE_BALLOT_MIX_SIZE: '0' })).toThrow(ConfigError);
  });

  it('bounds every wait for the database by default, and reads the bounds in milliseconds', () => {
    expect(loadConfig({})).toMatchObject({
      db: { connectTimeoutMs: 5000, statementTimeoutMs: 30000, lockTimeoutMs: 5000 },
      readyTimeoutMs: 2000,
      shutdownTimeoutMs: 10000,
    });
    const c = loadConfig({
      PIAOJUE_DB_CONNECT_TIMEOUT_MS: '1000',
      PIAOJUE_DB_STATEMENT_TIMEOUT_MS: '2000',
      PIAOJUE_DB_LOCK_TIMEOUT_MS: '300',
      PIAOJUE_READY_TIMEOUT_MS: '500',
    });
    expect(c).toMatchObject({ db: { connectTimeoutMs: 1000, statementTimeoutMs: 2000, lockTimeoutMs: 300 }, readyTimeoutMs: 500 });
  });

  it('reads PORT, DATABASE_URL and PIAOJUE_DATA_DIR', () => {
    const c = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://u@h/db', PIAOJUE_DATA_DIR: '/tmp/x' });
    expect(c).toMatchObject({ port: 9000, databaseUrl: 'postgres://u@h/db', dataDir: '/tmp/x' });
  });

  it('reads PIAOJUE_PUBLIC_URL without its trailing slash, and leaves it unset by default', () => {
    expect(loadConfig({ PIAOJUE_PUBLIC_URL: 'https://192.168.1.20:8443/' }).publicUrl).toBe('https://192.168.1.20:8443');
    expect(loadConfig({ PIAOJUE_PUBLIC_URL: 'https://vote.example.org/piaojue/' }).publicUrl).toBe('https://vote.example.org/piaojue');
    expect(loadConfig({}).publicUrl).toBeUndefined();
  });

  it('bounds slow and excess clients by default, and reads the bounds from the environment', () => {
    expect(loadConfig({}).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, maxConnections: 2_000 });
    const c = loadConfig({
      PIAOJUE_HEADERS_TIMEOUT_MS: '200',
      PIAOJUE_REQUEST_TIMEOUT_MS: '400',
      PIAOJUE_KEEP_ALIVE_TIMEOUT_MS: '5000',
      PIAOJUE_MAX_CONNECTIONS: '3',
    });
    expect(c.http).toEqual({ headersTimeoutMs: 200, requestTimeoutMs: 400, keepAliveTimeoutMs: 5000, maxConnections: 3 });
  });

  it('limits each client by default, sized for a room of 3,000 behind one address, and reads the limits from the environment', () => {
    expect(loadConfig({}).clients).toEqual({
      trustProxy: false,
      maxConnectionsPerClient: 1000,
      windowMs: 60_000,
      castPerWindow: 6000,
      publicPerWindow: 360_000,
      slipFailuresPerWindow: 300,
    });
    const c = loadConfig({
      PIAOJUE_MAX_CONNECTIONS_PER_CLIENT: '50',
      PIAOJUE_RATE_LIMIT_WINDOW_MS: '10000',
      PIAOJUE_RATE_LIMIT_CAST: '100',
      PIAOJUE_RATE_LIMIT_PUBLIC: '2000',
      PIAOJUE_RATE_LIMIT_SLIP_FAILURES: '20',
    });
    expect(c.clients).toEqual({
      trustProxy: false,
      maxConnectionsPerClient: 50,
      windowMs: 10_000,
      castPerWindow: 100,
      publicPerWindow: 2000,
      slipFailuresPerWindow: 20,
    });
    // 0 switches a limit (or the per-client connection cap) off.
    expect(
      loadConfig({
        PIAOJUE_MAX_CONNECTIONS_PER_CLIENT: '0',
        PIAOJUE_RATE_LIMIT_CAST: '0',
        PIAOJUE_RATE_LIMIT_PUBLIC: '0',
        PIAOJUE_RATE_LIMIT_SLIP_FAILURES: '0',
      }).clients,
    ).toMatchObject({
      maxConnectionsPerClient: 0,
      castPerWindow: 0,
      publicPerWindow: 0,
      slipFailuresPerWindow: 0,
    });
  });

  it.each([
    ['false', false],
    ['off', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.5', ['10.0.0.5']],
    ['10.0.0.5, 10.0.0.6', ['10.0.0.5', '10.0.0.6']],
    ['loopback,10.0.0.0/8,fd00::/8', ['loopback', '10.0.0.0/8', 'fd00::/8']],
    ['uniquelocal', ['uniquelocal']],
  ])('reads PIAOJUE_TRUST_PROXY=%s as Express trust proxy %j', (value, expected) => {
    expect(loadConfig({ PIAOJUE_TRUST_PROXY: value }).clients.trustProxy).toEqual(expected);
  });

  it('refuses PIAOJUE_TRUST_PROXY=true, which would let any client choose its address', () => {
    expect(() => loadConfig({ PIAOJUE_TRUST_PROXY: 'true' })).toThrow(/^PIAOJUE_TRUST_PROXY: give the number of proxies/);
  });

  it('stops when the headers deadline is later than the whole request deadline, naming PIAOJUE_HEADERS_TIMEOUT_MS', () => {
    expect(() => loadConfig({ PIAOJUE_HEADERS_TIMEOUT_MS: '20000', PIAOJUE_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      'PIAOJUE_HEADERS_TIMEOUT_MS: must not exceed PIAOJUE_REQUEST_TIMEOUT_MS (10000)',
    );
    expect(loadConfig({ PIAOJUE_HEADERS_TIMEOUT_MS: '10000', PIAOJUE_REQUEST_TIMEOUT_MS: '10000' }).http.headersTimeoutMs).toBe(10000);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['PIAOJUE_ACCESS_TOKEN_TTL', '5'],
    ['PIAOJUE_LOG', 'loud'],
    ['PIAOJUE_PUBLIC_URL', '192.168.1.20:8443'],
    ['PIAOJUE_PUBLIC_URL', 'ftp://192.168.1.20'],
    ['PIAOJUE_PUBLIC_URL', 'https://192.168.1.20/?x=1'],
    ['PIAOJUE_PUBLIC_URL', 'https://u:p@192.168.1.20/'],
    ['PIAOJUE_DB_LOCK_TIMEOUT_MS', '0'],
    ['PIAOJUE_DB_STATEMENT_TIMEOUT_MS', 'forever'],
    ['PIAOJUE_READY_TIMEOUT_MS', '600000'],
    ['PIAOJUE_HEADERS_TIMEOUT_MS', '10'],
    ['PIAOJUE_HEADERS_TIMEOUT_MS', 'soon'],
    ['PIAOJUE_REQUEST_TIMEOUT_MS', '2.5'],
    ['PIAOJUE_REQUEST_TIMEOUT_MS', '0'],
    ['PIAOJUE_KEEP_ALIVE_TIMEOUT_MS', '0'],
    ['PIAOJUE_KEEP_ALIVE_TIMEOUT_MS', '-1'],
    ['PIAOJUE_MAX_CONNECTIONS', '0'],
    ['PIAOJUE_MAX_CONNECTIONS', 'many'],
    ['PIAOJUE_MAX_CONNECTIONS_PER_CLIENT', '-1'],
    ['PIAOJUE_MAX_CONNECTIONS_PER_CLIENT', 'lots'],
    ['PIAOJUE_RATE_LIMIT_WINDOW_MS', '10'],
    ['PIAOJUE_RATE_LIMIT_CAST', '1.5'],
    ['PIAOJUE_RATE_LIMIT_PUBLIC', '-5'],
    ['PIAOJUE_TRUST_PROXY', 'true'],
    ['PIAOJUE_TRUST_PROXY', '17'],
    ['PIAOJUE_TRUST_PROXY', 'my-proxy.local'],
    ['PIAOJUE_TRUST_PROXY', '10.0.0.0/33'],
    ['PIAOJUE_TRUST_PROXY', '10.0.0.5/8/1'],
    ['PIAOJUE_TRUST_PROXY', ','],
  ])('stops on a bad %s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      expect((e as ConfigError).variable).toBe(name);
      expect((e as Error).message.startsWith(`${name}:`)).toBe(true);
    }
  });
});
