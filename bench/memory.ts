// Resident memory of `piaojue serve`, embedded database against PostgreSQL, measured in one run:
// idle after the first start (a fresh data folder), after a whole demo vote (a committee of 200 —
// `--members N` for another size — every token blinded on its "device"), the peak, and idle
// again after a restart on the same data folder. Linux only (reads /proc). PostgreSQL mode runs
// when DATABASE_URL names a database the bench may fill (a fresh one: `createdb bench &&
// DATABASE_URL=… npm run bench -- memory`).
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Figures {
  startMb: number;
  afterVoteMb: number;
  peakMb: number;
  /** Idle after a restart on the same data folder (embedded mode; the database is not fresh). */
  restartMb: number | undefined;
}

/** Committee size of the demo vote: `--members N`, default 200. */
function members(): number {
  const argv = process.argv;
  const i = argv.findIndex((a) => a === '--members' || a.startsWith('--members='));
  if (i < 0) return 200;
  const value = Number(argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1]);
  if (!Number.isInteger(value) || value < 3) throw new Error('--members must be an integer ≥ 3');
  return value;
}

/** Lets start-up work (bundling, JIT, timers) settle before reading the resident size. */
const settle = () => new Promise((r) => setTimeout(r, 2_000));

async function rss(pid: number): Promise<{ now: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function start(env: Record<string, string>, needCode: boolean) {
  const child = spawn('node', ['bin/piaojue.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise<{ url: string; code: string | undefined }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https?:\/\/[0-9.:]+)/.exec(out);
      const c = /([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})/.exec(out);
      if (m && (c || !needCode)) resolve({ url: m[1]!, code: c?.[1] });
      else if (m) reject(new Error('the service printed no administrator code: use a fresh DATABASE_URL'));
    });
    child.once('exit', (status) => reject(new Error(`serve exited ${status}: ${out}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, ready, stop };
}

async function measure(databaseUrl: string | undefined, size: number): Promise<Figures> {
  const dir = await mkdtemp(join(tmpdir(), 'piaojue-bench-memory-'));
  const env: Record<string, string> = { ...(process.env as Record<string, string>), PIAOJUE_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  let service = start(env, true);
  try {
    const { url, code } = await service.ready;
    await settle();
    const started = await rss(service.child.pid!);
    const key = join(dir, 'admin.key');
    await run('node', ['bin/piaojue.js', 'device', 'enrol', url, code!, key], { env });
    await run('node', ['bin/piaojue.js', 'demo', '--admin-key', key, '--members', String(size)], { env, maxBuffer: 16 << 20 });
    const after = await rss(service.child.pid!);
    let restartMb: number | undefined;
    if (!databaseUrl) {
      await service.stop();
      service = start(env, false);
      await service.ready;
      await settle();
      restartMb = (await rss(service.child.pid!)).now;
    }
    return { startMb: started.now, afterVoteMb: after.now, peakMb: after.peak, restartMb };
  } finally {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchMemory(): Promise<void> {
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  const size = members();
  const embedded = await measure(undefined, size);
  console.log(
    `embedded (PGlite): idle after the first start ${mb(embedded.startMb)}, after a vote of ${size} ${mb(embedded.afterVoteMb)}, peak ${mb(embedded.peakMb)}; ` +
      `idle after a restart ${mb(embedded.restartMb!)}`,
  );
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('PostgreSQL: skipped (set DATABASE_URL to a fresh database to compare)');
    return;
  }
  const pg = await measure(url, size);
  console.log(`PostgreSQL:        idle after start ${mb(pg.startMb)}, after a vote of ${size} ${mb(pg.afterVoteMb)}, peak ${mb(pg.peakMb)}`);
  console.log(`embedded / PostgreSQL, peak: ${(embedded.peakMb / pg.peakMb).toFixed(2)}× (the PostgreSQL server's own memory is not counted)`);
}
