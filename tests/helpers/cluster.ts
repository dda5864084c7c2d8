// A PostgreSQL cluster of a test's own (Debian's pg_createcluster), for fault-injection tests
// that stop, kill or lock the server: they never touch a server another test or person uses.
// Trust authentication on loopback only; dropped (stopped and deleted) by drop().
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Whether this machine can make clusters (Debian's postgresql-common). */
export const clusterToolsMissing: string | false = spawnSync('pg_createcluster', ['--help'], { encoding: 'utf8' }).error
  ? 'pg_createcluster (Debian postgresql-common) is not installed'
  : false;

/** The server version to make clusters with: PG_CLUSTER_VERSION, else the newest one clusters already use. */
function serverVersion(): string {
  const fromEnv = process.env.PG_CLUSTER_VERSION;
  if (fromEnv) return fromEnv;
  const listed = spawnSync('pg_lsclusters', ['-h'], { encoding: 'utf8' }).stdout ?? '';
  const versions = listed
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL cluster to take the server version from: set PG_CLUSTER_VERSION');
  return versions[0];
}

export interface TestCluster {
  readonly name: string;
  readonly port: number;
  /** A URL as the superuser `postgres` to database `db`. */
  url(db?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** A one-off statement as the superuser, on its own connection. */
  sql(text: string, params?: unknown[], db?: string): Promise<pg.QueryResult>;
  /** A connection the test holds (to keep a lock, say); end it when done. */
  connect(db?: string): Promise<pg.Client>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  drop(): Promise<void>;
}

export async function createCluster(): Promise<TestCluster> {
  const version = serverVersion();
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const name = `piaojue_t_${randomBytes(4).toString('hex')}`;
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    try {
      await run('pg_createcluster', [version, name, '-p', String(port), '-o', 'fsync=off', '--', '--auth=trust', '--no-sync']);
    } catch (e) {
      lastError = e;
      continue;
    }
    const drop = async () => {
      await run('pg_dropcluster', ['--stop', version, name]).catch(() => undefined);
    };
    try {
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start']);
    } catch (e) {
      // Most likely the port was taken meanwhile: try another.
      lastError = e;
      await drop();
      continue;
    }
    const url = (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;
    const cluster: TestCluster = {
      name,
      port,
      url,
      async createDatabase() {
        const db = `t_${randomBytes(6).toString('hex')}`;
        await cluster.sql(`CREATE DATABASE ${db}`);
        return url(db);
      },
      async sql(text, params = [], db) {
        const client = await cluster.connect(db);
        try {
          return await client.query(text, params);
        } finally {
          await client.end();
        }
      },
      async connect(db) {
        const client = new pg.Client({ connectionString: url(db) });
        client.on('error', () => undefined);
        await client.connect();
        return client;
      },
      async stop(mode = 'fast') {
        await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'stop', '-m', mode]);
      },
      async start() {
        await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start']);
      },
      drop,
    };
    return cluster;
  }
  throw new Error(`could not create a test cluster: ${String(lastError)}`);
}
