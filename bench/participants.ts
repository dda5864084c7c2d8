// Benchmark (issue 15's scale): one meeting of participants holding slips, over HTTP, on the
// embedded database and on a real PostgreSQL. The secretary prints the slips in batches; every
// participant's phone spends its code, takes a blind token (blinded and checked on the phone,
// src/client's way) and casts — a 民主推荐 (k of ~30 names), then a separate 民主测评 — and
// each vote is closed (prepare, seal with the reason no participant confirms, the inspectors'
// countersignatures: the last publishes) and its published record verified. Each throughput is
// printed beside the crypto-only ceiling of the same operation measured in the same run.
// Targets: close → published ≤ 1 s and verification ≤ 5 s for 3,000 ballots.
// Run: npm run bench -- participants [--n 3000] [--db pglite|postgres] [--save DIR (each record and the JWKS as files)]   (alone: node bin/run-ts.js bench/participants.ts)
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { createPgDatabase, createPgliteDatabase, type Database } from '../src/db/database.ts';
import { startService } from '../src/server.ts';
import type { AppContext } from '../src/context.ts';
import { castState } from '../src/votes/admission.ts';
import { createWorkerAccelerator } from '../src/cli/verify-workers.ts';
import { countersign, designateInspectors, participantPaths, prepareClose, seal as sealClose, type Session } from '../src/client/index.ts';
import { castBodyText, verifyBallotSignature } from '../src/protocol/ballot-v2.ts';
import type { AnyChoices, AnyVoteDefinition } from '../src/protocol/ballot.ts';
import { canonicalBytes, fromBase64url, toBase64url } from '../src/protocol/encoding.ts';
import { buildBallot, createTokenRequest, finishToken, type TokenRequestV2, type TokenV2 } from '../src/protocol/member-ballot.ts';
import type { EvaluationItem, RecommendationItem } from '../src/protocol/shapes.ts';
import { computeTally, type Tally } from '../src/protocol/tally.ts';
import { generateVoteKey, signBlinded, unblind, verifyToken } from '../src/protocol/tokens.ts';
import { verifyRecord } from '../src/protocol/verifier.ts';
import { benchApi, benchCommittee, enrolAndLogin } from './client.ts';
import { allOk, benchConfig, CAST_CONCURRENCY, load, perSecond } from './http.ts';

const rng = (n: number) => new Uint8Array(nodeRandomBytes(n));
const DEFAULT_N = 3000;
/** src/participants/service.ts SLIPS_PER_BATCH_MAX: the secretary prints this many at a time. */
const SLIPS_PER_BATCH = 1000;
/** A county's 民主推荐: about thirty eligible names, each ballot marks up to five. */
const SURNAMES = [...'王李张刘陈杨赵黄周吴'];
const GIVEN = ['芳', '强', '伟'];
const NAMES = SURNAMES.flatMap((s) => GIVEN.map((g) => s + g));
const MAX_MARKS = 5;
const CADRES = ['陈静', '王芳', '李强', '周涛', '吴昊', '孙丽', '马军', '朱红'];

/** Crypto-only ceilings, one core, no HTTP, no database: what each route's own crypto allows. */
async function ceilings() {
  const n = 60;
  const { privateKey, publicKey } = await generateKeyPair('EdDSA');
  // Printing: a random code and its SHA-256 (only the hash is stored).
  let t = performance.now();
  for (let i = 0; i < n * 10; i++)
    createHash('sha256')
      .update(`pjp_${nodeRandomBytes(16).toString('base64url')}`, 'utf8')
      .digest('hex');
  const printMs = (performance.now() - t) / 10;
  // Redemption: the code's hash and the signed participant credential.
  t = performance.now();
  const credentials: string[] = [];
  for (let i = 0; i < n; i++) {
    createHash('sha256')
      .update(`pjp_${nodeRandomBytes(16).toString('base64url')}`, 'utf8')
      .digest('hex');
    credentials.push(
      await new SignJWT({ mid: 'm' }).setProtectedHeader({ alg: 'EdDSA' }).setSubject(`s${i}`).setIssuedAt().setExpirationTime('1h').sign(privateKey),
    );
  }
  const redeemMs = performance.now() - t;
  // Issuance: the credential checked, the blinded point signed.
  const key = generateVoteKey(rng);
  const voteId = '00000000-0000-4000-8000-000000000001';
  const requests = Array.from({ length: n }, () => createTokenRequest(voteId, rng, 2) as TokenRequestV2);
  t = performance.now();
  const blindSigs: Uint8Array[] = [];
  for (const [i, r] of requests.entries()) {
    await jwtVerify(credentials[i]!, publicKey, { algorithms: ['EdDSA'] });
    blindSigs.push(signBlinded(key.secretKey, fromBase64url(r.blindedPoint)));
  }
  const issueMs = performance.now() - t;
  return { print: perSecond(n, printMs), redeem: perSecond(n, redeemMs), issue: perSecond(n, issueMs), cast: castCeiling(n) };
}

/**
 * The cast ceiling: the ballot's Ed25519 signature and the token's pairing, one by one, on one
 * core. Measured at the start and again right after each cast phase (the load of a shared
 * machine drifts): a cast phase's ratio is to the mean of the two.
 */
function castCeiling(n: number): number {
  const key = generateVoteKey(rng);
  const voteId = '00000000-0000-4000-8000-000000000001';
  const tokens = Array.from({ length: n }, () => {
    const r = createTokenRequest(voteId, rng, 2) as TokenRequestV2;
    return finishToken(r, toBase64url(signBlinded(key.secretKey, fromBase64url(r.blindedPoint))), toBase64url(key.publicKey));
  });
  const ballots = tokens.map((tok) => buildBallot(tok, { i1: { c1: 'approve' } }));
  const t = performance.now();
  for (const [i, b] of ballots.entries()) {
    verifyBallotSignature(b);
    verifyToken(key.publicKey, voteId, fromBase64url(tokens[i]!.ballotPublicKey), fromBase64url(tokens[i]!.signature), 2);
  }
  return perSecond(n, performance.now() - t);
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

/** A phone's marks: up to MAX_MARKS names, weighted toward some; or a grade per cadre, now and then 弃权. */
function choicesFor(def: AnyVoteDefinition, i: number): AnyChoices {
  const item = def.items[0] as RecommendationItem | EvaluationItem;
  const roll = () => nodeRandomBytes(1)[0]!;
  if (item.shape === 'recommendation') {
    const k = roll() % (item.maxMarks + 1);
    const picked = new Set<string>();
    while (picked.size < k) picked.add(item.candidates[Math.min(roll() % item.candidates.length, (roll() + i) % item.candidates.length)]!.candidateId);
    return { [item.itemId]: Object.fromEntries(item.candidates.map((c) => [c.candidateId, picked.has(c.candidateId) ? 'recommend' : 'blank'])) };
  }
  const grades = item.grades.map((g) => g.code);
  return {
    [item.itemId]: Object.fromEntries(
      item.candidates.map((c) => [c.candidateId, roll() % 10 === 0 ? 'abstain' : grades[Math.min(roll() % grades.length, roll() % grades.length)]!]),
    ),
  };
}

interface VoteFigures {
  shape: string;
  issuanceMs: number;
  castMs: number;
  /** Each cast's time from send to receipt: p50 and p95, ms. */
  castLatency: { p50: number; p95: number };
  /** Token checks sent to the crypto workers and the statements that wrote the ballots, in the cast phase. */
  castChecks: number;
  castInserts: number;
  /** The cast ceiling measured right after the cast phase. */
  castCeilingAfter: number;
  prepareMs: number;
  sealMs: number;
  countersignMs: number[];
  verifyMs: number;
  verifyThreads: number;
  /** The workers' strict G1 decoding: 'native' (optional blst) or 'js'. */
  verifyBackend: string;
  /** With a native backend: the same verification on the pure JavaScript path, for comparison. */
  verifyPureMs: number | null;
  recordBytes: number;
}

type Ceilings = Awaited<ReturnType<typeof ceilings>>;

const unconfirmedReason = '凭条参会者无登记设备，选票不作设备确认';

/** One vote of the meeting: tokens for every credential, every ballot cast, the close, the record verified. */
async function runVote(
  url: string,
  ctx: AppContext,
  secretary: Session,
  inspectors: Session[],
  credentials: string[],
  voteId: string,
  shape: string,
): Promise<VoteFigures> {
  const pub = benchApi(url);
  // Each phone reads the vote's definition (and its key) from what its credential lists.
  const listed = await pub.as(credentials[0]).call<{ votes: { id: string; definition: AnyVoteDefinition }[] }>('GET', participantPaths.votes);
  const def = listed.votes.find((v) => v.id === voteId)!.definition;
  // Blinding on the phones before the clock starts.
  const requests = credentials.map(() => createTokenRequest(def.voteId, rng, 2) as TokenRequestV2);
  const issued = allOk(
    `${shape} issuance`,
    await load(
      url,
      requests.map((r, i) => ({
        method: 'POST',
        path: participantPaths.tokens(def.voteId),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${credentials[i]}` },
        body: JSON.stringify({ blindedPoint: r.blindedPoint }),
      })),
    ),
    credentials.length,
  );
  // Each phone unblinds its token (not timed: the phones' work) — without the phone's pairing
  // check of it (finishToken): thousands of pairings on this one thread, the service's too, would
  // take minutes on a loaded machine. The service checks every token when it is cast, and the
  // verifier again.
  const tokens = requests.map((r, i): TokenV2 => ({
    voteId: def.voteId,
    ballotSecretKey: r.ballotSecretKey,
    ballotPublicKey: r.ballotPublicKey,
    signature: toBase64url(unblind(fromBase64url(JSON.parse(issued.bodies[i]!).blindSignature), fromBase64url(r.r))),
  }));
  // The ballots are built and signed on the phones before the clock starts, and sent
  // CAST_CONCURRENCY at a time (bench/http.ts: with 8 in flight the phase timed the ballot
  // mixer's privacy wait, not the service).
  const ballots = tokens.map((tok, i) => buildBallot(tok, choicesFor(def, i)));
  const bodies = ballots.map((b) => ({ method: 'POST', path: '/v1/ballots', headers: { 'content-type': 'application/json' }, body: castBodyText(b) }));
  const { tokens: batcher, ballots: mixer } = castState(ctx);
  const before = { checks: batcher.stats.batches, inserts: mixer.stats.batches };
  const cast = allOk(`${shape} cast`, await load(url, bodies, CAST_CONCURRENCY), ballots.length);
  const castChecks = batcher.stats.batches - before.checks;
  const castInserts = mixer.stats.batches - before.inserts;
  const castCeilingAfter = castCeiling(30);
  const sorted = [...cast.latencies].sort((a, b) => a - b);
  const castLatency = { p50: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]! };

  const prepare = await timed(() => prepareClose(secretary, def.voteId));
  const seal = await timed(async () => (await sealClose(secretary, def.voteId, unconfirmedReason)).body);
  const countersignMs: number[] = [];
  let state = seal.value.state as string;
  for (const inspector of inspectors) {
    const signed = await timed(() => countersign(inspector, def.voteId, seal.value.sealHash!));
    countersignMs.push(signed.ms);
    state = signed.value.body.state;
  }
  if (state !== 'closed') throw new Error(`${shape}: the close is ${state} after every countersignature`);
  const published = await pub.call<{ tally: Tally }>('GET', `/v1/votes/${def.voteId}/tally`);
  const expected = computeTally(def, ballots, { issued: ballots.length, present: credentials.length });
  const text = (x: unknown) => new TextDecoder().decode(canonicalBytes(x));
  if (text(expected) !== text(published.tally)) throw new Error(`${shape}: the published tally differs from the ballots cast`);
  const recordText = JSON.stringify(await pub.call('GET', `/v1/votes/${def.voteId}/record`));
  const jwks = await pub.call('GET', '/.well-known/jwks.json');
  // --save DIR: the record and the keys as files, for `piaojue verify` and profiling (not timed).
  const saveDir = textOption('save');
  if (saveDir !== undefined) {
    await mkdir(saveDir, { recursive: true });
    await writeFile(join(saveDir, `${shape}-record.json`), recordText);
    await writeFile(join(saveDir, `${shape}-jwks.json`), JSON.stringify(jwks));
  }
  // As `piaojue verify --file` checks it: parse, workers, every check — with the optional native
  // G1 decoding where it is installed, and on the pure JavaScript path beside it (its fallback).
  const verified = await verifyOnWorkers(shape, recordText, jwks, false);
  const pure = verified.backend === 'native' ? await verifyOnWorkers(shape, recordText, jwks, true) : null;
  return {
    shape,
    issuanceMs: issued.ms,
    castMs: cast.ms,
    castLatency,
    castChecks,
    castInserts,
    castCeilingAfter,
    prepareMs: prepare.ms,
    sealMs: seal.ms,
    countersignMs,
    verifyMs: verified.ms,
    verifyThreads: verified.threads,
    verifyBackend: verified.backend,
    verifyPureMs: pure?.ms ?? null,
    recordBytes: recordText.length,
  };
}

/** One verification of the record on a worker pool; `pure`: with the native backend turned off (PIAOJUE_NATIVE_BLS=0). */
async function verifyOnWorkers(shape: string, recordText: string, jwks: unknown, pure: boolean): Promise<{ ms: number; threads: number; backend: string }> {
  const saved = process.env.PIAOJUE_NATIVE_BLS;
  const t = performance.now();
  if (pure) process.env.PIAOJUE_NATIVE_BLS = '0';
  const accelerator = createWorkerAccelerator(); // the workers read the environment as they start
  if (saved === undefined) delete process.env.PIAOJUE_NATIVE_BLS;
  else process.env.PIAOJUE_NATIVE_BLS = saved;
  let report;
  let backend: string;
  try {
    report = await verifyRecord(JSON.parse(recordText), { jwks: jwks as Parameters<typeof verifyRecord>[1]['jwks'], randomBytes: rng, accelerator });
    backend = await accelerator.backend();
  } finally {
    await accelerator.close();
  }
  const ms = performance.now() - t;
  if (!report.ok) throw new Error(`${shape}: the published record failed verification: ${JSON.stringify(report.checks.filter((c) => !c.ok))}`);
  return { ms, threads: accelerator.threads, backend };
}

/** The whole meeting on one database; each phase's figures printed as soon as they are known (a full-size run is long). */
async function run(label: string, db: Database, n: number, ceil: Ceilings): Promise<void> {
  const config = await benchConfig();
  const service = await startService(config, { db });
  const url = service.url;
  try {
    const admin = await enrolAndLogin(url, service.firstAdmin!.code);
    // The committee's secretary and its two inspectors (监票人), members with devices.
    const c = await benchCommittee(admin, url, 2, 1, '基准县委');
    const secretary = c.secretary;
    const inspectors = c.members;
    const meetingId = (
      await secretary.api.call<{ id: string }>('POST', `/v1/committees/${c.id}/meetings`, { title: '全县领导干部会议（基准）', kind: 'slips', entitled: n })
    ).id;
    const recommendation = await secretary.api.call<{ id: string }>('POST', `/v1/meetings/${meetingId}/votes`, {
      title: '民主推荐（基准）',
      items: [
        {
          shape: 'recommendation',
          post: '县直单位副科级领导职务',
          maxMarks: MAX_MARKS,
          threshold: { comparison: 'more_than', num: 1, den: 2 },
          candidates: NAMES,
        },
      ],
    });
    const evaluation = await secretary.api.call<{ id: string }>('POST', `/v1/meetings/${meetingId}/votes`, {
      title: '民主测评（基准）',
      items: [{ shape: 'evaluation', title: '年度科级领导干部民主测评', candidates: CADRES }],
    });
    await secretary.api.call('POST', `/v1/meetings/${meetingId}/open`);
    await secretary.api.call('PUT', `/v1/meetings/${meetingId}/attendance`, { present: inspectors.map((m) => m.personId) });
    await designateInspectors(
      secretary,
      meetingId,
      inspectors.map((m) => m.personId),
    );

    const printed = await timed(async () => {
      const codes: string[] = [];
      for (let left = n; left > 0; left -= SLIPS_PER_BATCH) {
        const batch = await secretary.api.call<{ slips: { code: string }[] }>('POST', `/v1/meetings/${meetingId}/slips`, {
          count: Math.min(left, SLIPS_PER_BATCH),
        });
        codes.push(...batch.slips.map((s) => s.code));
      }
      return codes;
    });
    const codes = printed.value;
    const redeemed = allOk(
      'redemption',
      await load(
        url,
        codes.map((code) => ({
          method: 'POST',
          path: participantPaths.redeem,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code }),
        })),
      ),
      n,
    );
    const credentials = redeemed.bodies.map((b) => JSON.parse(b).credential as string);
    console.log(`\nparticipants [${label}]: ${n} participants, one slip each, every one casting in each vote; load concurrency 8, casts ${CAST_CONCURRENCY}`);
    console.log(`${pad('phase', 54)}${'ms'.padStart(10)}${'/s'.padStart(10)}${'ceiling/s'.padStart(10)}${'× ceil'.padStart(10)}`);
    row(n, `print ${n} slips (${Math.ceil(n / SLIPS_PER_BATCH)} batches)`, printed.ms, ceil.print);
    row(n, `redeem: ${n} POST /participant/redeem`, redeemed.ms, ceil.redeem);

    for (const [id, shape] of [
      [recommendation.id, 'recommendation'],
      [evaluation.id, 'evaluation'],
    ] as const) {
      await secretary.api.call('POST', `/v1/votes/${id}/open`);
      printVote(n, await runVote(url, service.ctx, secretary, inspectors, credentials, id, shape), ceil);
    }
  } finally {
    await service.close();
  }
}

/** `--db pglite` or `--db postgres`: one database only (two processes, one each, share a loaded machine better). */
function textOption(name: string): string | undefined {
  const argv = process.argv;
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
}

function option(name: string): number | undefined {
  const argv = process.argv;
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const value = Number(argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 5000) throw new Error(`--${name} must be an integer from 1 to 5000 (slips per meeting)`);
  return value;
}

const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length));
const num = (x: number, digits = 0) => x.toFixed(digits).padStart(10);

function row(n: number, name: string, ms: number, ceiling?: number) {
  const rate = perSecond(n, ms);
  console.log(`${pad(name, 54)}${num(ms)}${num(rate)}${ceiling === undefined ? ' '.repeat(20) : `${num(ceiling)}${num(rate / ceiling, 3)}`}`);
}

function printVote(n: number, v: VoteFigures, ceil: Ceilings) {
  const closeMs = v.prepareMs + v.sealMs + v.countersignMs.reduce((a, b) => a + b, 0);
  row(n, `${v.shape} issuance: ${n} POST …/tokens`, v.issuanceMs, ceil.issue);
  row(n, `${v.shape} cast: ${n} POST /ballots`, v.castMs, (ceil.cast + v.castCeilingAfter) / 2);
  console.log(
    `${pad(`${v.shape} cast: each cast, send → receipt`, 54)}${num(v.castLatency.p50)}   p50; p95 ${v.castLatency.p95.toFixed(0)} ms; ` +
      `${n} casts in ${v.castChecks} checks on the crypto workers, written by ${v.castInserts} statements; ceiling ${ceil.cast.toFixed(0)}/s at the start, ${v.castCeilingAfter.toFixed(0)}/s after`,
  );
  console.log(
    `${pad(`${v.shape} close → published (target ≤ 1000 ms)`, 54)}${num(closeMs)}   prepare ${v.prepareMs.toFixed(0)}, seal ${v.sealMs.toFixed(0)}, countersign ${v.countersignMs.map((x) => x.toFixed(0)).join(' + ')}`,
  );
  console.log(
    `${pad(`${v.shape} verify the record (target ≤ 5000 ms)`, 54)}${num(v.verifyMs)}   ${v.verifyThreads} threads, G1 decoding ${v.verifyBackend}, record ${(v.recordBytes / 1e6).toFixed(1)} MB`,
  );
  if (v.verifyPureMs !== null)
    console.log(`${pad(`${v.shape} verify, pure JavaScript (the fallback)`, 54)}${num(v.verifyPureMs)}   ${v.verifyThreads} threads, PIAOJUE_NATIVE_BLS=0`);
}

export async function benchParticipants(): Promise<void> {
  const loadAverage = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(`participants: ${availableParallelism()} cores, load average ${loadAverage()} at the start (other work on the machine slows every figure below)`);
  const n = option('n') ?? DEFAULT_N;
  // The ceilings first, and each run's figures as soon as it ends: a full-size run is long.
  const ceil = await ceilings();
  console.log(
    `participants: crypto ceiling on one core: printing (random code + SHA-256) ${ceil.print.toFixed(0)}/s, redemption (SHA-256 + EdDSA credential) ${ceil.redeem.toFixed(0)}/s, ` +
      `issuance (credential check + BLS blind signature) ${ceil.issue.toFixed(0)}/s, cast (ballot signature + token pairing) ${ceil.cast.toFixed(0)}/s`,
  );
  const only = textOption('db');
  if (only !== undefined && only !== 'pglite' && only !== 'postgres') throw new Error('--db must be pglite or postgres');
  if (only !== 'postgres') {
    const pglite = await createPgliteDatabase();
    try {
      await run('embedded PGlite', pglite, n, ceil);
    } finally {
      await pglite.close();
    }
  }
  if (only !== 'pglite') await runOnPostgres(n, ceil);
  console.log(`participants: load average ${loadAverage()} at the end`);
}

/** PostgreSQL as bench/http.ts finds it: DATABASE_URL, else the local test server; a database of its own. */
async function runOnPostgres(n: number, ceil: Ceilings): Promise<void> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `piaojue_bench_p_${process.pid}`;
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
      await run('PostgreSQL 127.0.0.1', pg, n, ceil);
    } finally {
      await pg.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } else {
    console.log(`participants: PostgreSQL at ${base} not reachable; embedded database only`);
  }
  await admin.close();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchParticipants();
}
