// Benchmark: a whole version-2 vote over HTTP, on the embedded database and on a real
// PostgreSQL: token issuance, casting, the close in its four phases (prepare, member
// confirmations, seal, inspectors' countersignatures — the last publishes) and the verification
// of the published record with the project's verifier (as `piaojue verify` runs it), each timed,
// beside the crypto-only ceilings measured in the same run. The service creates version-2 votes
// only, so the version-1 figure is the verification of the protocol scenario's version-1 record
// of the same size (bench/verify.ts), beside its version-2 record.
// Run: npm run bench -- http [--n 1000]   (alone: node bin/run-ts.js bench/http.ts [--n 1000])
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadConfig, type Config } from '../src/config.ts';
import { createPgDatabase, createPgliteDatabase, type Database } from '../src/db/database.ts';
import { startService } from '../src/server.ts';
import { createWorkerAccelerator } from '../src/cli/verify-workers.ts';
import { tokenRequestMessage, verifyDeviceSignature } from '../src/protocol/device-key.ts';
import { fromBase64url, toBase64url } from '../src/protocol/encoding.ts';
import { buildBallot, createTokenRequest, finishToken, type TokenRequestV2, type TokenV2 } from '../src/protocol/member-ballot.ts';
import { castBodyText, verifyBallotSignature } from '../src/protocol/ballot-v2.ts';
import { versionOf } from '../src/protocol/version.ts';
import { generateVoteKey, signBlinded, unblind, verifyToken, verifyTokensBatch } from '../src/protocol/tokens.ts';
import { verifyRecord } from '../src/protocol/verifier.ts';
import type { Choices, VoteDefinition } from '../src/protocol/ballot.ts';
import { closePaths, confirmationBody, countersign, designateInspectors, prepareClose, seal as sealClose, WebCryptoDevice } from '../src/client/index.ts';
import { benchApi, benchCommittee, enrolAndLogin } from './client.ts';
import { verifyScenarioRecord } from './verify.ts';

const rng = (n: number) => new Uint8Array(nodeRandomBytes(n));
/** Ballots (= members, every one present and casting) unless --n says otherwise. */
const DEFAULT_N = 200;
/** The attendance route takes at most this many present members (src/http/routes/meetings.ts). */
const MAX_PRESENT = 3000;
const CONCURRENCY = 8;
/**
 * Casts in flight at once in a timed cast phase. Every cast waits in the ballot mixer for its
 * batch (src/votes/ballot-mixer.ts: 300–600 ms by default, a privacy feature) unless 64 of its
 * vote are gathered first, so with CONCURRENCY (8) in flight the phase measured the mixer's
 * wait, not the service: at most 8 casts per ~0.45 s, about 18/s, however fast the checks
 * (Little's law). A meeting's phones cast together; 128 in flight keep the mixer's batches
 * full and the token batcher fed, within the cast queue's share of one vote (256).
 */
export const CAST_CONCURRENCY = 128;
const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

/** Fires `requests` from a thread of its own, `concurrency` at a time (default CONCURRENCY); each answer's time from send to its end is in `latencies` (ms). */
export function load(url: string, requests: { method: string; path: string; headers: Record<string, string>; body: string }[], concurrency = CONCURRENCY) {
  return new Promise<{ ms: number; statuses: Record<string, number>; bodies: string[]; latencies: number[] }>((resolve, reject) => {
    const w = new Worker(`import('tsx/esm/api').then(m => { m.register(); return import(${JSON.stringify(pathToFileURL(WORKER).href)}); })`, {
      eval: true,
      workerData: { url, concurrency, requests },
    });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

export function perSecond(n: number, ms: number) {
  return (n * 1000) / ms;
}

/** Crypto-only ceilings: what one core does with no HTTP and no database. */
async function ceilings() {
  const key = generateVoteKey(rng);
  const n = 60;
  const voteId = '00000000-0000-4000-8000-000000000001';
  const requests = Array.from({ length: n }, () => createTokenRequest(voteId, rng, 2) as TokenRequestV2);
  let t = performance.now();
  const blindSigs = requests.map((r) => signBlinded(key.secretKey, fromBase64url(r.blindedPoint)));
  const signMs = performance.now() - t;
  const tokens = requests.map((r, i) => finishToken(r, toBase64url(blindSigs[i]!), toBase64url(key.publicKey)));
  t = performance.now();
  for (const tok of tokens) verifyToken(key.publicKey, voteId, fromBase64url(tok.ballotPublicKey), fromBase64url(tok.signature), 2);
  const verifyMs = performance.now() - t;
  // A version-2 cast also checks the ballot signature (Ed25519) before the pairing.
  const ballots = tokens.map((tok) => buildBallot(tok, { i1: { c1: 'approve' } }));
  t = performance.now();
  for (const b of ballots) verifyBallotSignature(b);
  const ballotSigMs = performance.now() - t;
  t = performance.now();
  verifyTokensBatch(
    key.publicKey,
    tokens.map((tok) => ({ voteId, t: fromBase64url(tok.ballotPublicKey), signature: fromBase64url(tok.signature), version: 2 as const })),
    rng,
  );
  const batchMs = performance.now() - t;
  // An issuance must also check the device's signature (ES256, as the test devices use).
  const device = await WebCryptoDevice.create();
  const messages = requests.map((r) => tokenRequestMessage(voteId, r.blindedPoint));
  const sigs = await Promise.all(messages.map((m) => device.sign(m)));
  t = performance.now();
  for (const [i, m] of messages.entries()) verifyDeviceSignature(device.publicKey, m, sigs[i]!);
  const deviceMs = performance.now() - t;
  return { sign: perSecond(n, signMs), issue: perSecond(n, signMs + deviceMs), verify: perSecond(n, verifyMs + ballotSigMs), batch: perSecond(n, batchMs) };
}

type Load = Awaited<ReturnType<typeof load>>;

/** Every request of a phase must have succeeded, or its time means nothing. */
export function allOk(phase: string, l: Load, n: number): Load {
  if ((l.statuses['200'] ?? 0) + (l.statuses['201'] ?? 0) !== n) throw new Error(`${phase}: statuses ${JSON.stringify(l.statuses)}`);
  return l;
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

interface RunFigures {
  label: string;
  n: number;
  issuanceMs: number;
  castMs: number;
  prepareMs: number;
  confirmMs: number;
  sealMs: number;
  countersignMs: number[];
  verifyMs: number;
  verifyThreads: number;
  recordBytes: number;
  entries: number;
  rosterSnapshots: number;
  checks: number;
}

/**
 * The service's settings for a bench run: loopback, silent, a fresh data folder. A large meeting
 * takes longer than the default 15 minutes' access token, and the secretary's connection idles
 * through thousands of requests: both are kept open (no close racing the next request).
 */
export async function benchConfig(): Promise<Config> {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PIAOJUE_LOG: 'silent',
    PIAOJUE_DATA_DIR: await mkdtemp(join(tmpdir(), 'piaojue-bench-')),
    PIAOJUE_CRYPTO_THREADS: process.env.PIAOJUE_CRYPTO_THREADS,
    PIAOJUE_ACCESS_TOKEN_TTL: '86400',
    PIAOJUE_KEEP_ALIVE_TIMEOUT_MS: '600000',
  });
}

async function run(label: string, db: Database, n: number, setupConcurrency: number): Promise<RunFigures> {
  const config = await benchConfig();
  const service = await startService(config, { db });
  const url = service.url;
  let figures: Omit<RunFigures, 'verifyMs' | 'verifyThreads' | 'checks'>;
  let recordText: string;
  let jwks: unknown;
  try {
    const admin = await enrolAndLogin(url, service.firstAdmin!.code);
    const t = performance.now();
    const c = await benchCommittee(admin, url, n, setupConcurrency);
    console.log(`http [${label}]: ${n} members enrolled in ${((performance.now() - t) / 1000).toFixed(1)} s (set-up, not timed below)`);
    const secretary = c.secretary;
    const meetingId = (await secretary.api.call('POST', `/v1/committees/${c.id}/meetings`, { title: '基准会议' })).id as string;
    const def: VoteDefinition = (
      await secretary.api.call('POST', `/v1/meetings/${meetingId}/votes`, {
        title: '基准表决',
        items: [
          { post: '局长', seats: 1, candidates: ['王一'] },
          { post: '副主任', seats: 2, candidates: ['李二', '张三', '赵四'] },
        ],
      })
    ).definition;
    if (versionOf(def) !== 2) throw new Error(`the service created a version-${versionOf(def)} vote; this bench measures the version-2 close`);
    await secretary.api.call('POST', `/v1/meetings/${meetingId}/open`);
    await secretary.api.call('PUT', `/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    // The meeting's two inspectors (监票人) are named at its start, as in the room: not timed.
    const inspectors = c.members.slice(0, 2);
    await designateInspectors(
      secretary,
      meetingId,
      inspectors.map((m) => m.personId),
    );
    const auth = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

    // Client-side work (blinding, device signatures) happens before each clock starts.
    const pending = await Promise.all(
      c.members.map(async (m) => {
        const request = createTokenRequest(def.voteId, rng, versionOf(def));
        const deviceSignature = await m.device.sign(tokenRequestMessage(def.voteId, request.blindedPoint));
        return {
          request,
          http: {
            method: 'POST',
            path: `/v1/votes/${def.voteId}/tokens`,
            headers: auth(m.token),
            body: JSON.stringify({ blindedPoint: request.blindedPoint, deviceSignature }),
          },
        };
      }),
    );
    const issued = allOk(
      'issuance',
      await load(
        url,
        pending.map((p) => p.http),
      ),
      n,
    );
    // Unblinded without the device's pairing check of each token (finishToken): a thousand
    // pairings would hold this thread — the service's too — past the keep-alive timeout of the
    // secretary's idle connection. The service checks every token when it is cast, and the
    // verifier again.
    const tokens = pending.map((p, i): TokenV2 => {
      const request = p.request as TokenRequestV2;
      const signature = toBase64url(unblind(fromBase64url(JSON.parse(issued.bodies[i]!).blindSignature), fromBase64url(request.r)));
      return { voteId: def.voteId, ballotSecretKey: request.ballotSecretKey, ballotPublicKey: request.ballotPublicKey, signature };
    });
    await secretary.api.call('POST', `/v1/votes/${def.voteId}/open`);
    const choices: Choices = { i1: { c1: 'approve' }, i2: { c2: 'approve', c3: 'disapprove', c4: 'abstain' } };
    const cast = allOk(
      'cast',
      await load(
        url,
        tokens.map((tok) => ({
          method: 'POST',
          path: '/v1/ballots',
          headers: { 'content-type': 'application/json' },
          body: castBodyText(buildBallot(tok, choices)),
        })),
        CAST_CONCURRENCY,
      ),
      n,
    );

    // The close. 1. Prepare: the secretary closes; the service builds the close it will publish.
    const prepare = await timed(() => prepareClose(secretary, def.voteId));
    const hash = prepare.value.body.preparedHash;
    if (hash === null) throw new Error('the close published at once: not a version-2 vote');
    // 2. Every member's device confirms (signed on the device first, as it would be).
    const confirmations = await Promise.all(
      c.members.map(async (m) => ({
        method: 'POST',
        path: closePaths.confirmations(def.voteId),
        headers: auth(m.token),
        body: JSON.stringify(await confirmationBody(m.device, def.voteId, hash)),
      })),
    );
    const confirmed = allOk('confirmations', await load(url, confirmations), n);
    // 3. The secretary seals; 4. each inspector countersigns, one after the other (the last publishes).
    const seal = await timed(async () => (await sealClose(secretary, def.voteId)).body);
    const countersignMs: number[] = [];
    let state = seal.value.state as string;
    for (const inspector of inspectors) {
      // (The device's signature, a fraction of a millisecond, is inside the timed call.)
      const signed = await timed(() => countersign(inspector, def.voteId, seal.value.sealHash!));
      countersignMs.push(signed.ms);
      state = signed.value.body.state;
    }
    if (state !== 'closed') throw new Error(`the close is ${state} after every countersignature`);
    const record = await benchApi(url).call<{ entries: { kind: string }[] }>('GET', `/v1/votes/${def.voteId}/record`);
    recordText = JSON.stringify(record);
    const entries = record.entries.length;
    const rosterSnapshots = record.entries.filter((e) => e.kind === 'roster.changed').length;
    jwks = await benchApi(url).call('GET', '/.well-known/jwks.json');
    figures = {
      label,
      n,
      issuanceMs: issued.ms,
      castMs: cast.ms,
      prepareMs: prepare.ms,
      confirmMs: confirmed.ms,
      sealMs: seal.ms,
      countersignMs,
      recordBytes: recordText.length,
      entries,
      rosterSnapshots,
    };
  } finally {
    await service.close();
  }
  // The published record, checked as `piaojue verify --file` checks it: parse, workers, every check.
  const t = performance.now();
  const accelerator = createWorkerAccelerator();
  let report;
  try {
    report = await verifyRecord(JSON.parse(recordText), { jwks: jwks as Parameters<typeof verifyRecord>[1]['jwks'], randomBytes: rng, accelerator });
  } finally {
    await accelerator.close();
  }
  const verifyMs = performance.now() - t;
  if (!report.ok) throw new Error(`the published record failed verification: ${JSON.stringify(report.checks.filter((c) => !c.ok))}`);
  return { ...figures, verifyMs, verifyThreads: accelerator.threads, checks: report.checks.length };
}

function option(name: string): number | undefined {
  const argv = process.argv;
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const value = Number(argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1]);
  if (!Number.isInteger(value) || value < 3) throw new Error(`--${name} must be an integer ≥ 3`);
  return value;
}

const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length));
const num = (x: number, digits = 0) => x.toFixed(digits).padStart(9);

function printRun(r: RunFigures, ceil: Awaited<ReturnType<typeof ceilings>>) {
  const closeMs = r.prepareMs + r.confirmMs + r.sealMs + r.countersignMs.reduce((a, b) => a + b, 0);
  const rows: [string, number][] = [
    [`issuance: ${r.n} POST /tokens`, r.issuanceMs],
    [`cast: ${r.n} POST /ballots`, r.castMs],
    ['close 1 prepare: POST /close', r.prepareMs],
    [`close 2 confirm: ${r.n} POST /confirmations`, r.confirmMs],
    ['close 3 seal: POST /seal', r.sealMs],
    ...r.countersignMs.map((ms, i): [string, number] => [
      `close 4 countersign ${i + 1}/${r.countersignMs.length}${i === r.countersignMs.length - 1 ? ' (publishes)' : ''}`,
      ms,
    ]),
    ['close, all four phases', closeMs],
    [`verify the published record (${r.verifyThreads} threads)`, r.verifyMs],
  ];
  console.log(
    `\nhttp [${r.label}] version 2, ${r.n} ballots (${r.n} members present, all cast), concurrency ${CONCURRENCY}, casts ${CAST_CONCURRENCY}; record ${(r.recordBytes / 1e6).toFixed(1)} MB, ${r.entries} entries (${r.rosterSnapshots} roster snapshot${r.rosterSnapshots === 1 ? '' : 's'}), ${r.checks} checks passed`,
  );
  console.log(`${pad('phase', 58)}${'ms'.padStart(9)}${'ms/ballot'.padStart(11)}${'× cast'.padStart(9)}`);
  for (const [name, ms] of rows) console.log(`${pad(name, 58)}${num(ms)}${num(ms / r.n, 3).padStart(11)}${num(ms / r.castMs, 2)}`);
  const issuance = perSecond(r.n, r.issuanceMs);
  const cast = perSecond(r.n, r.castMs);
  console.log(
    `issuance ${issuance.toFixed(0)}/s = ${(issuance / ceil.issue).toFixed(2)}× issuance crypto ceiling, ${(issuance / ceil.sign).toFixed(2)}× blind signing alone (target ≥ 0.6); ` +
      `cast ${cast.toFixed(0)}/s = ${(cast / ceil.verify).toFixed(2)}× single-verify ceiling (target ≥ 0.5); confirmations ${perSecond(r.n, r.confirmMs).toFixed(0)}/s`,
  );
}

export async function benchHttp(): Promise<void> {
  const loadAverage = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(`http: ${availableParallelism()} cores, load average ${loadAverage()} at the start (other work on the machine slows every figure below)`);
  const requested = option('n') ?? DEFAULT_N;
  const n = Math.min(requested, MAX_PRESENT);
  if (n < requested) {
    console.log(
      `http: --n ${requested} is more than one meeting's attendance can record (at most ${MAX_PRESENT} present, src/http/routes/meetings.ts): the votes over HTTP have ${n} ballots; the scenario records below have ${requested} as well`,
    );
  }
  const results: RunFigures[] = [];
  const pglite = await createPgliteDatabase();
  results.push(await run('embedded PGlite', pglite, n, 4));
  await pglite.close();
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `piaojue_bench_${process.pid}`;
  const admin = createPgDatabase(base, { max: 1 });
  let pgAvailable = true;
  try {
    await admin.exec(`CREATE DATABASE ${name}`);
  } catch {
    pgAvailable = false;
  }
  if (pgAvailable) {
    const url = new URL(base);
    url.pathname = `/${name}`;
    const pg = createPgDatabase(url.toString(), { max: 20 });
    try {
      // Members added one at a time: added concurrently on PostgreSQL they deadlock (40P01,
      // answered 503 database_unavailable and retried), which makes the set-up slower, not faster.
      results.push(await run('PostgreSQL 127.0.0.1', pg, n, 1));
    } finally {
      await pg.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } else {
    console.log(`http: PostgreSQL at ${base} not reachable; embedded database only`);
  }
  await admin.close();
  const ceil = await ceilings();
  console.log(
    `\nhttp: crypto ceiling on one core: blind signing ${ceil.sign.toFixed(0)}/s (${ceil.issue.toFixed(0)}/s with the device-signature check every issuance needs), ` +
      `cast verify (ballot signature + token pairing, v2) ${ceil.verify.toFixed(0)}/s single, token batch ${ceil.batch.toFixed(0)}/s`,
  );
  for (const r of results) printRun(r, ceil);

  // Version 1 beside version 2. The service no longer creates version-1 votes (CURRENT_VERSION is
  // 2 and createVote takes no version), so there is no version-1 cast or close to time: the
  // version-1 figure is verification only, of the protocol scenario's record of the same size.
  const sizes = [...new Set([n, requested])];
  console.log(
    `\nverify, version 1 beside version 2: the protocol scenario's records (Ed25519 devices, every member present and casting; version 2 with a confirmation per ballot and 2 countersignatures), and the records published above (ES256 devices, as the web client: issuance and confirmation signatures checked one by one, no Ed25519 batch)`,
  );
  console.log(`${pad('record', 58)}${'ms'.padStart(9)}${'ms/ballot'.padStart(11)}${'× v1'.padStart(9)}`);
  for (const size of sizes) {
    const v1 = await verifyScenarioRecord(1, size);
    const v2 = await verifyScenarioRecord(2, size);
    const rows: [string, number][] = [
      [`scenario v1, ${size} ballots (${(v1.bytes / 1e6).toFixed(1)} MB)`, v1.ms],
      [`scenario v2, ${size} ballots (${(v2.bytes / 1e6).toFixed(1)} MB)`, v2.ms],
      ...results.filter((r) => r.n === size).map((r): [string, number] => [`published over HTTP v2, ${size} ballots [${r.label}]`, r.verifyMs]),
    ];
    for (const [label, ms] of rows) console.log(`${pad(label, 58)}${num(ms)}${num(ms / size, 3).padStart(11)}${num(ms / v1.ms, 2)}`);
  }
  console.log(`http: load average ${loadAverage()} at the end`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchHttp();
}
