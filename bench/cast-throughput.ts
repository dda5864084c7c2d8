// Benchmark (issue 12): casts per second over HTTP with concurrent members, token checks one by
// one (PIAOJUE_CAST_BATCH_MAX=1) beside micro-batched (the default), on the embedded database and
// on PostgreSQL when DATABASE_URL is set, each beside the crypto-only ceilings measured in the
// same run: one pairing per ballot, and batches of PIAOJUE_CAST_BATCH_MAX, on the same crypto
// worker threads the service uses. Self-contained (no test helpers).
//   npm run bench -- cast-throughput [--members 200] [--concurrency 64]
//   node bin/run-ts.js bench/cast-throughput.ts --members 3000
import { randomBytes as nodeRandomBytes, webcrypto } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config.ts';
import { createPgDatabase, createPgliteDatabase, type Database } from '../src/db/database.ts';
import { startService } from '../src/server.ts';
import { deviceMessage, tokenRequestMessage, type DevicePublicKey } from '../src/protocol/device-key.ts';
import { fromBase64url, toBase64url } from '../src/protocol/encoding.ts';
import { buildBallot, createTokenRequest, finishToken, type TokenRequestV2 } from '../src/protocol/member-ballot.ts';
import { castBodyText } from '../src/protocol/ballot-v2.ts';
import { generateVoteKey, signBlinded } from '../src/protocol/tokens.ts';
import type { Choices, VoteDefinition } from '../src/protocol/ballot.ts';
import { createVoteCrypto } from '../src/votes/crypto-tasks.ts';
import { castState } from '../src/votes/admission.ts';

const rng = (n: number) => new Uint8Array(nodeRandomBytes(n));
const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
const CHOICES: Choices = { i1: { c1: 'approve' }, i2: { c2: 'approve', c3: 'disapprove', c4: 'abstain' } };
const ITEMS = [
  { post: '局长', seats: 1, candidates: ['王一'] },
  { post: '副主任', seats: 2, candidates: ['李二', '张三', '赵四'] },
];

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

type HttpRequest = { method: string; path: string; headers: Record<string, string>; body: string };

function load(url: string, concurrency: number, requests: HttpRequest[]) {
  return new Promise<{ ms: number; statuses: Record<string, number>; bodies: string[]; latencies: number[] }>((resolve, reject) => {
    const w = new Worker(`import('tsx/esm/api').then(m => { m.register(); return import(${JSON.stringify(pathToFileURL(WORKER).href)}); })`, {
      eval: true,
      workerData: { url, concurrency, requests },
    });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

/** One API request during setup, sent again after a 503 (a busy database) or a reset connection, as a client would. */
async function send(url: string, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    let text: string;
    try {
      res = await fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await res.text();
    } catch (e) {
      // A keep-alive connection closed under the request: send it again on a new one.
      if (attempt < 20) continue;
      throw e;
    }
    if (res.status === 503 && attempt < 20) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/** A minimal API client: one person, their device key and access token. */
class Person {
  constructor(
    readonly url: string,
    readonly token: string,
    readonly personId: string,
    readonly sign: (m: Uint8Array) => Promise<string>,
  ) {}

  call(method: string, path: string, body?: unknown): Promise<any> {
    return send(this.url, method, path, body, { authorization: `Bearer ${this.token}` });
  }

  static async enrol(url: string, code: string): Promise<Person> {
    const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const device: DevicePublicKey = { alg: 'ES256', key: toBase64url(new Uint8Array(await webcrypto.subtle.exportKey('raw', pair.publicKey))) };
    const sign = async (m: Uint8Array) => toBase64url(new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, m)));
    const post = (path: string, body: unknown) => send(url, 'POST', path, body, {});
    const enrolled = await post('/v1/enrol', { code, device });
    const ch = await post('/v1/auth/challenge', { deviceId: enrolled.deviceId });
    const signature = await sign(deviceMessage('piaojue/v1/login', { challenge: ch.challenge, challengeId: ch.challengeId, deviceId: enrolled.deviceId }));
    const tok = await post('/v1/auth/token', { challengeId: ch.challengeId, signature });
    return new Person(url, tok.accessToken, enrolled.personId, sign);
  }
}

async function inParallel<T>(n: number, lanes: number, each: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let i = next++; i < n; i = next++) out[i] = await each(i);
    }),
  );
  return out;
}

interface HttpResult {
  label: string;
  off: number;
  on: number;
  statuses: { off: Record<string, number>; on: Record<string, number> };
  batches: { batches: number; tokens: number };
  /** Per-cast latency (ms) of the runs at `concurrency`, and of casts sent one at a time. */
  latency: { off: Percentiles; on: Percentiles; lone: Percentiles };
  /** Ballot insert batches of the batched run (ballot-mixer.ts), when the service has them. */
  inserts: { batches: number; ballots: number; largest: number } | undefined;
}

interface Percentiles {
  p50: number;
  p95: number;
  max: number;
}

function percentiles(ms: number[]): Percentiles {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: s.at(-1)! };
}

const LONE = 20;

/**
 * One service; one committee of `members`; two votes in one meeting, each member holding a token
 * for both. The first vote is cast with batching off, the second with it on: the batcher's
 * options are switched on the running service, so both runs share everything else.
 */
async function run(label: string, db: Database, members: number, concurrency: number, batchMax: number): Promise<HttpResult> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PIAOJUE_LOG: 'silent',
    PIAOJUE_DATA_DIR: await mkdtemp(join(tmpdir(), 'piaojue-bench-')),
    PIAOJUE_CRYPTO_THREADS: process.env.PIAOJUE_CRYPTO_THREADS,
    PIAOJUE_CAST_BATCH_MAX: String(batchMax),
    PIAOJUE_CAST_QUEUE_PER_VOTE: String(Math.max(256, concurrency)),
    // Every simulated member sends from this one address: the per-client cast rate limit, meant
    // for one phone, would throttle the whole room.
    PIAOJUE_RATE_LIMIT_CAST: '100000000',
  });
  const service = await startService(config, { db });
  try {
    const admin = await Person.enrol(service.url, service.firstAdmin!.code);
    const committee = await admin.call('POST', '/v1/committees', { name: '吞吐委员会', kind: 'standing', visibility: 'public' });
    const sec = await admin.call('POST', `/v1/committees/${committee.id}/secretaries`, { name: '吞吐委员会秘书' });
    const secretary = await Person.enrol(service.url, (await admin.call('POST', `/v1/people/${sec.personId}/enrolment-codes`)).code);
    // Members are added one by one (each appends to the committee's record); they enrol in parallel.
    const codes: string[] = [];
    for (let i = 0; i < members; i++) {
      const m = await admin.call('POST', `/v1/committees/${committee.id}/members`, { name: `委员${i}` });
      codes.push((await admin.call('POST', `/v1/people/${m.memberId}/enrolment-codes`)).code);
    }
    const people = await inParallel(members, 4, (i) => Person.enrol(service.url, codes[i]!));
    const meeting = await secretary.call('POST', `/v1/committees/${committee.id}/meetings`, { title: '吞吐会议' });
    const defs: VoteDefinition[] = [];
    for (const title of ['逐张核验', '成批核验', '逐一投出'])
      defs.push((await secretary.call('POST', `/v1/meetings/${meeting.id}/votes`, { title, items: ITEMS })).definition);
    await secretary.call('POST', `/v1/meetings/${meeting.id}/open`);
    await secretary.call('PUT', `/v1/meetings/${meeting.id}/attendance`, { present: people.map((p) => p.personId) });
    const bodies: string[][] = [];
    for (const def of defs) {
      const pending = await Promise.all(
        people.map(async (p) => {
          const request = createTokenRequest(def.voteId, rng, 2) as TokenRequestV2;
          const deviceSignature = await p.sign(tokenRequestMessage(def.voteId, request.blindedPoint));
          return {
            request,
            http: {
              method: 'POST',
              path: `/v1/votes/${def.voteId}/tokens`,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${p.token}` },
              body: JSON.stringify({ blindedPoint: request.blindedPoint, deviceSignature }),
            },
          };
        }),
      );
      const issued = await load(
        service.url,
        8,
        pending.map((p) => p.http),
      );
      const tokens = pending.map((p, i) => finishToken(p.request, JSON.parse(issued.bodies[i]!).blindSignature, def.publicKey));
      await secretary.call('POST', `/v1/votes/${def.voteId}/open`);
      // Ballots are built (client-side work) before the clock starts.
      bodies.push(tokens.map((t) => castBodyText(buildBallot(t, CHOICES))));
    }
    const batcher = castState(service.ctx).tokens;
    const mixer = (castState(service.ctx) as { ballots?: { stats: { batches: number; ballots: number; largest: number } } }).ballots;
    const cast = async (i: number, max: number, at = concurrency, count = members) => {
      batcher.options.max = max;
      const r = await load(
        service.url,
        at,
        bodies[i]!.slice(0, count).map((body) => ({ method: 'POST', path: '/v1/ballots', headers: { 'content-type': 'application/json' }, body })),
      );
      return { perSecond: (count * 1000) / r.ms, statuses: r.statuses, latency: percentiles(r.latencies) };
    };
    const off = await cast(0, 1);
    const before = { ...batcher.stats };
    const mixBefore = mixer ? { ...mixer.stats } : undefined;
    if (mixer) mixer.stats.largest = 0;
    const on = await cast(1, batchMax);
    const inserts =
      mixer && mixBefore
        ? { batches: mixer.stats.batches - mixBefore.batches, ballots: mixer.stats.ballots - mixBefore.ballots, largest: mixer.stats.largest }
        : undefined;
    // A member casting while no one else does: one cast at a time.
    const lone = await cast(2, batchMax, 1, Math.min(LONE, members));
    return {
      label,
      off: off.perSecond,
      on: on.perSecond,
      statuses: { off: off.statuses, on: on.statuses },
      batches: { batches: batcher.stats.batches - before.batches, tokens: batcher.stats.tokens - before.tokens },
      latency: { off: off.latency, on: on.latency, lone: lone.latency },
      inserts,
    };
  } finally {
    await service.close();
  }
}

/**
 * The crypto alone, on the service's worker threads: every cast's ballot signature plus its
 * token checked by one pairing each, and the tokens checked in batches of `batchMax`.
 */
async function ceilings(threads: number, batchMax: number): Promise<{ single: number; batch: number; tokenSingle: number; tokenBatch: number }> {
  const crypto = createVoteCrypto(threads);
  try {
    const key = generateVoteKey(rng);
    const voteId = '00000000-0000-4000-8000-000000000001';
    const n = 128;
    const requests = Array.from({ length: n }, () => createTokenRequest(voteId, rng, 2) as TokenRequestV2);
    const tokens = requests.map((r) => finishToken(r, toBase64url(signBlinded(key.secretKey, fromBase64url(r.blindedPoint))), toBase64url(key.publicKey)));
    const ballots = tokens.map((t) => buildBallot(t, CHOICES));
    const items = tokens.map((t) => ({ voteId, t: fromBase64url(t.ballotPublicKey), signature: fromBase64url(t.signature), version: 2 as const }));
    // Warm the workers (thread start, module load, JIT) before timing.
    await Promise.all(items.slice(0, 8).map((it) => crypto.run('verifyToken', key.publicKey, voteId, it.t, it.signature, 2)));
    await Promise.all([0, 1].map(() => crypto.run('verifyTokenBatch', key.publicKey, items.slice(0, 16))));
    const time = async (f: () => Promise<unknown>) => {
      const t = performance.now();
      await f();
      return performance.now() - t;
    };
    const sigMs = await time(() => Promise.all(ballots.map((b) => crypto.run('verifyBallotSignature', b))));
    const singleMs = await time(() => Promise.all(items.map((it) => crypto.run('verifyToken', key.publicKey, voteId, it.t, it.signature, 2))));
    const chunks = Array.from({ length: Math.ceil(n / batchMax) }, (_, i) => items.slice(i * batchMax, (i + 1) * batchMax));
    const batchMs = await time(() => Promise.all(chunks.map((c) => crypto.run('verifyTokenBatch', key.publicKey, c))));
    const rate = (ms: number) => (n * 1000) / ms;
    return { single: rate(sigMs + singleMs), batch: rate(sigMs + batchMs), tokenSingle: rate(singleMs), tokenBatch: rate(batchMs) };
  } finally {
    await crypto.close();
  }
}

export async function benchCastThroughput(): Promise<void> {
  const members = arg('members', 200);
  const concurrency = arg('concurrency', Math.min(members, 64));
  const batchMax = arg('batch', 32);
  const threads = process.env.PIAOJUE_CRYPTO_THREADS !== undefined ? Number(process.env.PIAOJUE_CRYPTO_THREADS) : loadConfig({}).cryptoThreads;
  const results: HttpResult[] = [];
  // The ceilings are measured before and after the HTTP runs (a shared machine's load drifts);
  // the ratios use their mean.
  const first = await ceilings(threads, batchMax);
  const pglite = await createPgliteDatabase();
  const t0 = performance.now();
  results.push(await run('embedded PGlite', pglite, members, concurrency, batchMax));
  await pglite.close();
  console.log(`cast-throughput: embedded run (setup included) took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  if (process.env.DATABASE_URL) {
    const base = process.env.DATABASE_URL;
    const name = `piaojue_bench_cast_${process.pid}`;
    const admin = createPgDatabase(base, { max: 1 });
    try {
      await admin.exec(`CREATE DATABASE ${name}`);
      const url = new URL(base);
      url.pathname = `/${name}`;
      const pg = createPgDatabase(url.toString(), { max: 20 });
      try {
        results.push(await run('PostgreSQL', pg, members, concurrency, batchMax));
      } finally {
        await pg.close();
        await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    } finally {
      await admin.close();
    }
  } else {
    console.log('cast-throughput: DATABASE_URL not set; embedded database only');
  }
  const last = await ceilings(threads, batchMax);
  const ceil = { single: (first.single + last.single) / 2, batch: (first.batch + last.batch) / 2 };
  for (const [when, c] of [
    ['before', first],
    ['after', last],
  ] as const) {
    console.log(
      `cast-throughput: crypto ceiling ${when} the HTTP runs, ${threads} worker threads (ballot signature + token): one pairing per ballot ${c.single.toFixed(0)}/s, ` +
        `batches of ${batchMax} ${c.batch.toFixed(0)}/s (token alone: ${c.tokenSingle.toFixed(0)}/s single, ${c.tokenBatch.toFixed(0)}/s batched)`,
    );
  }
  for (const r of results) {
    console.log(
      `cast-throughput [${r.label}] ${members} members, ${concurrency} casting at once: batching off ${r.off.toFixed(0)} casts/s (${(r.off / ceil.single).toFixed(2)}× mean single ceiling), ` +
        `on ${r.on.toFixed(0)} casts/s (${(r.on / ceil.batch).toFixed(2)}× mean batch ceiling) = ${(r.on / r.off).toFixed(2)}× off (target ≥ 2); ` +
        `${r.batches.tokens} tokens in ${r.batches.batches} checks; statuses off ${JSON.stringify(r.statuses.off)} on ${JSON.stringify(r.statuses.on)}`,
    );
    const fmt = (p: Percentiles) => `p50 ${p.p50.toFixed(0)} ms, p95 ${p.p95.toFixed(0)} ms, max ${p.max.toFixed(0)} ms`;
    console.log(
      `cast-throughput [${r.label}] cast latency: batching off ${fmt(r.latency.off)}; on ${fmt(r.latency.on)}; ${LONE} casts one at a time ${fmt(r.latency.lone)}` +
        (r.inserts
          ? `; ballots inserted in ${r.inserts.batches} statements (batched run: ${r.inserts.ballots} ballots, largest ${r.inserts.largest})`
          : '; one insert per ballot'),
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchCastThroughput();
}
