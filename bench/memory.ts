// Resident memory of `piaojue serve`, embedded database against PostgreSQL, measured in one run:
// after start, after a whole demo vote (a committee of 60, every token blinded on its "device"),
// and the peak. Linux only (reads /proc). PostgreSQL mode runs when DATABASE_URL names a
// database the bench may fill (a fresh one: `createdb bench && DATABASE_URL=… npm run bench -- memory`).
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
}

async function rss(pid: number): Promise<{ now: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function measure(databaseUrl: string | undefined): Promise<Figures> {
  const dir = await mkdtemp(join(tmpdir(), 'piaojue-bench-memory-'));
  const env: Record<string, string> = { ...(process.env as Record<string, string>), PIAOJUE_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const child = spawn('node', ['bin/piaojue.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    const { url, code } = await new Promise<{ url: string; code: string }>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (https?:\/\/[0-9.:]+)/.exec(out);
        const c = /([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})/.exec(out);
        if (m && c) resolve({ url: m[1]!, code: c[1]! });
        else if (m) reject(new Error('the service printed no administrator code: use a fresh DATABASE_URL'));
      });
      child.once('exit', (status) => reject(new Error(`serve exited ${status}: ${out}`)));
    });
    const start = await rss(child.pid!);
    const key = join(dir, 'admin.key');
    await run('node', ['bin/piaojue.js', 'device', 'enrol', url, code, key], { env });
    await run('node', ['bin/piaojue.js', 'demo', '--admin-key', key, '--members', '60'], { env, maxBuffer: 16 << 20 });
    const after = await rss(child.pid!);
    return { startMb: start.now, afterVoteMb: after.now, peakMb: after.peak };
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchMemory(): Promise<void> {
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  const embedded = await measure(undefined);
  console.log(`embedded (PGlite): after start ${mb(embedded.startMb)}, after a vote of 60 ${mb(embedded.afterVoteMb)}, peak ${mb(embedded.peakMb)}`);
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('PostgreSQL: skipped (set DATABASE_URL to a fresh database to compare)');
    return;
  }
  const pg = await measure(url);
  console.log(`PostgreSQL:        after start ${mb(pg.startMb)}, after a vote of 60 ${mb(pg.afterVoteMb)}, peak ${mb(pg.peakMb)}`);
  console.log(`embedded / PostgreSQL, peak: ${(embedded.peakMb / pg.peakMb).toFixed(2)}× (the PostgreSQL server's own memory is not counted)`);
}
