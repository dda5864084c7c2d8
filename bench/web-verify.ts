// Benchmark: the browser's verifier (src/web/verify-worker.ts) on a 3,000-ballot record in
// headless Chromium, with its per-item work in the verifier worker alone (workers: 1, the path
// before the pool) and then spread over its pool of Web Workers (src/web/verify-pool.ts, as many
// as the browser reports cores), side by side in one run. Each figure is what the observer's
// page waits for: the verifier worker's start, the record's copy to it, every check.
// Run: npm run bench -- web-verify [--n 3000] [--rounds 1]   (alone: node bin/run-ts.js bench/web-verify.ts [--n 3000])
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import express from 'express';
import type { JSONWebKeySet } from 'jose';
import { chromium } from 'playwright-core';
import { build } from '../scripts/build.mjs';
import { loadWebClient, webRouter } from '../src/web/serve.ts';
import { buildScenario } from '../testkit/protocol-scenario.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/preflight.mjs';

/**
 * In the page: the record fetched and parsed (not timed), then the verifier worker started and
 * given it, timed until its report. Source text, so no helper of the TypeScript runner leaks in.
 */
const VERIFY_ONCE = `async ({ jwks, workers }) => {
  const record = await (await fetch('/bench/record.json')).json();
  const url = (name) => document.querySelector('meta[name="' + name + '"]').content;
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const w = new Worker(url('piaojue-verify-worker'), { type: 'module' });
    w.onmessage = (ev) => {
      const m = ev.data;
      if (m.type === 'progress') return;
      const ms = performance.now() - t;
      w.terminate();
      if (m.type === 'done') resolve({ ms, ok: m.report.ok, workers: m.workers });
      else reject(new Error(m.message));
    };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage({ record, jwks, pool: { url: url('piaojue-verify-pool-worker'), ...(workers ? { workers } : {}) } });
  });
}`;

/**
 * CPU time (user + system, ms) so far of this process's descendants (the browser's processes),
 * from /proc (Linux; 0 elsewhere): the work a run took, whatever else the machine does meanwhile.
 */
function browserCpuMs(): number {
  const root = process.pid;
  const procs = new Map<number, { ppid: number; ticks: number }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      // Fields after the parenthesised name: state ppid … utime(14) stime(15), counted from 1.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(pid), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* gone meanwhile */
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = procs.get(p)?.ppid ?? 0, hops++) if (p === root) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, p] of procs) if (pid !== root && inTree(pid)) ticks += p.ticks;
  return ticks * 10; // USER_HZ is 100 on Linux
}

interface Run {
  /** CPU time of the browser's processes during the run. */
  cpuMs?: number;
  ms: number;
  ok: boolean;
  workers: number;
}

/** Times the browser verifier on `recordText` with 1 worker and with the pool, `rounds` times each, alternating. */
export async function benchWebVerifyRecord(recordText: string, jwks: JSONWebKeySet, n: number, rounds = 1): Promise<void> {
  await build({ ifStale: true, log: () => {} });
  const app = express();
  app.get('/bench/record.json', (_req, res) => res.type('application/json').send(recordText));
  app.use(webRouter(loadWebClient()));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/#/observer`);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const runs: { single: Run[]; pool: Run[] } = { single: [], pool: [] };
    for (let r = 0; r < rounds; r++) {
      for (const kind of ['single', 'pool'] as const) {
        const cpu = browserCpuMs();
        const run = await page.evaluate<Run>(`(${VERIFY_ONCE})(${JSON.stringify({ jwks, workers: kind === 'single' ? 1 : undefined })})`);
        runs[kind].push({ ...run, cpuMs: browserCpuMs() - cpu });
      }
    }
    const bad = [...runs.single, ...runs.pool].find((x) => !x.ok);
    if (bad) throw new Error('the browser verifier failed the bench record');
    const best = (xs: Run[]) => Math.min(...xs.map((x) => x.ms));
    const cpu = (xs: Run[]) => Math.min(...xs.map((x) => x.cpuMs ?? 0));
    const fmt = (x: number) => `${x.toFixed(0).padStart(6)} ms  ${(x / n).toFixed(2)} ms/ballot`;
    const [single, pool] = [best(runs.single), best(runs.pool)];
    const load = loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
    console.log(
      `\n== web-verify: the browser verifier on a ${n}-ballot record, Chromium (navigator.hardwareConcurrency ${cores}), ${availableParallelism()} cores, load ${load} ==`,
    );
    console.log(
      `verifier worker alone (workers: 1)     ${fmt(single)}${rounds > 1 ? `   (best of ${rounds}: ${runs.single.map((x) => x.ms.toFixed(0)).join(', ')})` : ''}`,
    );
    console.log(
      `with its pool, ${runs.pool[0]!.workers} Web Workers          ${fmt(pool)}${rounds > 1 ? `   (best of ${rounds}: ${runs.pool.map((x) => x.ms.toFixed(0)).join(', ')})` : ''}`,
    );
    console.log(`ratio alone / pool: ${(single / pool).toFixed(2)}`);
    console.log(`browser CPU time (least of the runs): alone ${(cpu(runs.single) / 1000).toFixed(1)} s, with the pool ${(cpu(runs.pool) / 1000).toFixed(1)} s`);
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

function numberOption(name: string, fallback: number): number {
  const argv = process.argv;
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const value = Number(argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
  return value;
}

/** The version-2 protocol scenario's record of --n ballots (every member present and casting), verified in the browser. */
export async function benchWebVerify(): Promise<void> {
  const n = numberOption('n', 3000);
  const t = performance.now();
  const scenario = await buildScenario('bench/web-verify', { memberCount: n, presentCount: n, trustIssuedTokens: true, version: 2 });
  const text = JSON.stringify(scenario.record);
  console.log(`built the record in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed): ${(text.length / 1e6).toFixed(1)} MB`);
  await benchWebVerifyRecord(text, scenario.service.jwks, n, numberOption('rounds', 1));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchWebVerify();
