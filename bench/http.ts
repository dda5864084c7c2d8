// Benchmark: token issuance and ballot casting over HTTP, on the embedded database and on a
// real PostgreSQL, each beside the crypto-only ceiling measured in the same run (blind signing;
// token verification, single and batched). Run alone: node bin/run-ts.js bench/http.ts
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config.ts';
import { createPgDatabase, createPgliteDatabase, type Database } from '../src/db/database.ts';
import { startService } from '../src/server.ts';
import { tokenRequestMessage, verifyDeviceSignature } from '../src/protocol/device.ts';
import { fromBase64url } from '../src/protocol/encoding.ts';
import { buildBallot, createTokenRequest, finishToken, type TokenRequestV2 } from '../src/protocol/member.ts';
import { castBodyText, verifyBallotSignature } from '../src/protocol/ballot-v2.ts';
import { versionOf } from '../src/protocol/version.ts';
import { generateVoteKey, signBlinded, verifyToken, verifyTokensBatch } from '../src/protocol/tokens.ts';
import type { Choices, VoteDefinition } from '../src/protocol/ballot.ts';
import { Api, Device, enrolAndLogin } from '../tests/helpers/client.ts';
import { createCommittee } from '../tests/helpers/world.ts';

const rng = (n: number) => new Uint8Array(nodeRandomBytes(n));
const MEMBERS = 200;
const CONCURRENCY = 8;
const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

function load(url: string, requests: { method: string; path: string; headers: Record<string, string>; body: string }[]) {
  return new Promise<{ ms: number; statuses: Record<string, number>; bodies: string[] }>((resolve, reject) => {
    const w = new Worker(`import('tsx/esm/api').then(m => { m.register(); return import(${JSON.stringify(pathToFileURL(WORKER).href)}); })`, {
      eval: true,
      workerData: { url, concurrency: CONCURRENCY, requests },
    });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

function perSecond(n: number, ms: number) {
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
  const tokens = requests.map((r, i) => finishToken(r, Buffer.from(blindSigs[i]!).toString('base64url'), Buffer.from(key.publicKey).toString('base64url')));
  t = performance.now();
  for (const tok of tokens) verifyToken(key.publicKey, voteId, fromBase64url(tok.ballotPublicKey), fromBase64url(tok.signature), 2);
  const verifyMs = performance.now() - t;
  // A version-2 cast also checks the ballot signature (Ed25519) before the pairing.
  const ballots = tokens.map((tok) => buildBallot(tok, { i1: { c1: 'approve' } }));
  t = performance.now();
  for (const b of ballots) verifyBallotSignature(b);
  const ballotSigMs = performance.now() - t;
  t = performance.now();
  verifyTokensBatch(key.publicKey, tokens.map((tok) => ({ voteId, t: fromBase64url(tok.ballotPublicKey), signature: fromBase64url(tok.signature), version: 2 as const })), rng);
  const batchMs = performance.now() - t;
  // An issuance must also check the device's signature (ES256, as the test devices use).
  const device = await Device.create('ES256');
  const messages = requests.map((r) => tokenRequestMessage(voteId, r.blindedPoint));
  const sigs = await Promise.all(messages.map((m) => device.sign(m)));
  t = performance.now();
  for (const [i, m] of messages.entries()) verifyDeviceSignature(device.publicKey, m, sigs[i]!);
  const deviceMs = performance.now() - t;
  return { sign: perSecond(n, signMs), issue: perSecond(n, signMs + deviceMs), verify: perSecond(n, verifyMs + ballotSigMs), batch: perSecond(n, batchMs) };
}

async function run(label: string, db: Database) {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PIAOJUE_LOG: 'silent',
    PIAOJUE_DATA_DIR: await mkdtemp(join(tmpdir(), 'piaojue-bench-')),
    PIAOJUE_CRYPTO_THREADS: process.env.PIAOJUE_CRYPTO_THREADS,
  });
  const service = await startService(config, { db });
  try {
    const admin = await enrolAndLogin(new Api(service.url), service.firstAdmin!.code);
    const c = await createCommittee(admin, `基准委员会`, Array.from({ length: MEMBERS }, (_, i) => `委员${i}`));
    const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '基准会议' })).body.id;
    const def: VoteDefinition = (await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '基准表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }, { post: '副主任', seats: 2, candidates: ['李二', '张三', '赵四'] }] })).body.definition;
    await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });

    // Client-side work (blinding, device signatures) happens before the clock starts.
    const pending = await Promise.all(
      c.members.map(async (m) => {
        const request = createTokenRequest(def.voteId, rng, versionOf(def));
        const deviceSignature = await m.device.sign(tokenRequestMessage(def.voteId, request.blindedPoint));
        return { request, http: { method: 'POST', path: `/v1/votes/${def.voteId}/tokens`, headers: { 'content-type': 'application/json', authorization: `Bearer ${m.token}` }, body: JSON.stringify({ blindedPoint: request.blindedPoint, deviceSignature }) } };
      }),
    );
    const issued = await load(service.url, pending.map((p) => p.http));
    const tokens = pending.map((p, i) => finishToken(p.request, JSON.parse(issued.bodies[i]!).blindSignature, def.publicKey));
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const choices: Choices = { i1: { c1: 'approve' }, i2: { c2: 'approve', c3: 'disapprove', c4: 'abstain' } };
    const cast = await load(service.url, tokens.map((t) => ({ method: 'POST', path: '/v1/ballots', headers: { 'content-type': 'application/json' }, body: castBodyText(buildBallot(t, choices)) })));
    await c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    return { label, issuance: perSecond(MEMBERS, issued.ms), cast: perSecond(MEMBERS, cast.ms), statuses: [issued.statuses, cast.statuses] };
  } finally {
    await service.close();
  }
}

export async function benchHttp(): Promise<void> {
  const results = [];
  const pglite = await createPgliteDatabase();
  results.push(await run('embedded PGlite', pglite));
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
      results.push(await run('PostgreSQL 127.0.0.1', pg));
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
    `http: crypto ceiling on one core: blind signing ${ceil.sign.toFixed(0)}/s (${ceil.issue.toFixed(0)}/s with the device-signature check every issuance needs), ` +
      `cast verify (ballot signature + token pairing, v2) ${ceil.verify.toFixed(0)}/s single, token batch ${ceil.batch.toFixed(0)}/s`,
  );
  for (const r of results) {
    console.log(
      `http [${r.label}] ${MEMBERS} members, concurrency ${CONCURRENCY}: issuance ${r.issuance.toFixed(0)}/s = ${(r.issuance / ceil.issue).toFixed(2)}× issuance crypto ceiling, ${(r.issuance / ceil.sign).toFixed(2)}× blind signing alone (target ≥ 0.6); ` +
        `cast ${r.cast.toFixed(0)}/s = ${(r.cast / ceil.verify).toFixed(2)}× single-verify ceiling (target ≥ 0.5); statuses ${JSON.stringify(r.statuses)}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchHttp();
}
