// Benchmark: members' cast latency (p50, p95, with retries after 503 as the outbox does) on
// the embedded database, without and then with a flood of well-formed garbage ballots from 64
// concurrent clients on another thread (issue 12). tests/api/cast-flood.test.ts checks that
// every member's ballot is accepted under a flood; the figures live here, never in a test.
// Run alone: node bin/run-ts.js bench/index.ts flood
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { castBodyText } from '../src/protocol/ballot-v2.ts';
import { buildBallot, type Token } from '../src/protocol/member-ballot.ts';
import type { VoteDefinition } from '../src/protocol/ballot.ts';
import { enrolAndLogin, openVoteWithTokens, type Session } from './client.ts';
import { startBenchService } from './service.ts';
import { allApprove, garbageBallot } from '../testkit/garbage-ballots.ts';

const MEMBERS = 20;
const MEMBER_LANES = 4;
const FLOOD_CLIENTS = 64;
const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function openVote(admin: Session, url: string, name: string): Promise<{ def: VoteDefinition; tokens: Token[] }> {
  return openVoteWithTokens(admin, url, name, MEMBERS);
}

/** Each member casts (in a few lanes at once), sending again after Retry-After on 503; the time until accepted. */
async function members(url: string, def: VoteDefinition, tokens: Token[]): Promise<{ ms: number[]; retries: number }> {
  const ms: number[] = [];
  let retries = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: MEMBER_LANES }, async () => {
      for (;;) {
        const i = next++;
        if (i >= tokens.length) return;
        const body = castBodyText(buildBallot(tokens[i]!, allApprove(def)));
        const t = performance.now();
        for (;;) {
          const res = await fetch(`${url}/v1/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await res.text();
          if (res.status === 201 || res.status === 200) break;
          if (res.status !== 503) throw new Error(`member cast refused: ${res.status}`);
          retries++;
          await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
        }
        ms.push(performance.now() - t);
      }
    }),
  );
  return { ms: ms.sort((a, b) => a - b), retries };
}

function flood(url: string, def: VoteDefinition): { stop: () => Promise<void> } {
  const body = () => castBodyText(garbageBallot(def));
  const requests = Array.from({ length: 20_000 }, () => ({
    method: 'POST',
    path: '/v1/ballots',
    headers: { 'content-type': 'application/json' },
    body: body(),
  }));
  const w = new Worker(`import('tsx/esm/api').then(m => { m.register(); return import(${JSON.stringify(pathToFileURL(WORKER).href)}); })`, {
    eval: true,
    workerData: { url, concurrency: FLOOD_CLIENTS, requests },
  });
  return {
    stop: async () => {
      await w.terminate();
    },
  };
}

export async function benchFlood(): Promise<void> {
  // The default queue (256 per vote) holds the whole flood; a small one refuses most of it.
  for (const perVote of ['256', '16']) {
    const service = await startBenchService({ PIAOJUE_CAST_QUEUE_PER_VOTE: perVote, PIAOJUE_RATE_LIMIT_CAST: '0' });
    try {
      const admin = await enrolAndLogin(service.url, service.adminCode);
      const quiet = await openVote(admin, service.url, '安静委员会');
      const flooded = await openVote(admin, service.url, '洪水委员会');
      const q = await members(service.url, quiet.def, quiet.tokens);
      const f = flood(service.url, flooded.def);
      await new Promise((r) => setTimeout(r, 1000));
      const g = await members(service.url, flooded.def, flooded.tokens);
      await f.stop();
      const line = (label: string, r: { ms: number[]; retries: number }) =>
        console.log(
          `queue ${perVote} per vote, ${label}: ${r.ms.length} members' casts, p50 ${percentile(r.ms, 50).toFixed(0)} ms, p95 ${percentile(r.ms, 95).toFixed(0)} ms, ${r.retries} retries after 503`,
        );
      line('without flood', q);
      line(`with ${FLOOD_CLIENTS} garbage clients`, g);
    } finally {
      await service.close();
    }
  }
}
