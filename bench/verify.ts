// Benchmark: verifying a 3,000-ballot record, beside the raw per-signature cost measured in the
// same run — RFC 9380 hash_to_curve of every token (noble's hashToCurve) plus one batch
// verification (strict decoding of every signature, two Pippenger MSMs, one two-pairing product).
// Target (issue 5): ≤ 5 s on a 2-core machine, within 1.3× of the raw cost.
// Run alone: npx tsx bench/verify.ts [BALLOTS]
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { pippenger } from '@noble/curves/abstract/curve.js';
import { createWorkerAccelerator } from '../src/cli/verify-workers.ts';
import { ballotTokenId, isBallotV2, type Ballot, type BallotV2 } from '../src/protocol/ballot.ts';
import { ballotSignatureCheck } from '../src/protocol/ballot-v2.ts';
import { verifyDeviceSignatures } from '../src/protocol/device-key.ts';
import type { ProtocolVersion } from '../src/protocol/version.ts';
import type { ChainEntry } from '../src/protocol/chain.ts';
import { fromBase64url } from '../src/protocol/encoding.ts';
import { batchCoefficients, decodeG1, decodeG2, tokenDst, tokenMessage } from '../src/protocol/tokens.ts';
import { verifyRecord } from '../src/protocol/verifier.ts';
import { buildScenario } from '../testkit/protocol-scenario.ts';

const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));
const ms = (from: number) => performance.now() - from;
const fmt = (x: number) => `${x.toFixed(0).padStart(6)} ms`;

/** The raw cost: what any verifier pays for the signatures alone, single-threaded, no shortcuts. */
function rawCost(publicKey: string, voteId: string, ballots: Ballot[]): { hashMs: number; batchMs: number; ok: boolean } {
  const G1 = bls12_381.G1.Point;
  let t = performance.now();
  const hashes = ballots.map((b) => bls12_381.G1.hashToCurve(tokenMessage(voteId, fromBase64url(ballotTokenId(b))), { DST: tokenDst(isBallotV2(b) ? 2 : 1) }));
  const hashMs = ms(t);
  t = performance.now();
  const sigs = ballots.map((b, i) => decodeG1(fromBase64url(b.signature), `ballots.${i}.signature`));
  const cs = batchCoefficients(randomBytes, ballots.length);
  const sigSum = pippenger(G1, sigs, cs);
  const hashSum = pippenger(G1, hashes, cs);
  const pk = decodeG2(fromBase64url(publicKey), 'publicKey');
  const gt = bls12_381.pairingBatch([
    { g1: sigSum, g2: bls12_381.G2.Point.BASE },
    { g1: hashSum.negate(), g2: pk },
  ]);
  const ok = bls12_381.fields.Fp12.eql(gt, bls12_381.fields.Fp12.ONE);
  return { hashMs, batchMs: ms(t), ok };
}

/**
 * Full verification (as `piaojue verify` runs it, with its worker threads) of the protocol
 * scenario's record of `n` ballots in `version`: for figures beside a record the service
 * published (bench/http.ts), the version-1 ones being the only version-1 records left now that
 * the service creates version-2 votes only. Ed25519 devices, every member present and casting.
 */
export async function verifyScenarioRecord(version: ProtocolVersion, n: number): Promise<{ ms: number; bytes: number; threads: number }> {
  const scenario = await buildScenario(`bench/verify/${version}`, { memberCount: n, presentCount: n, trustIssuedTokens: true, version });
  const text = JSON.stringify(scenario.record);
  const t = performance.now();
  const accelerator = createWorkerAccelerator();
  let report;
  try {
    report = await verifyRecord(JSON.parse(text), { jwks: scenario.service.jwks, randomBytes, accelerator });
  } finally {
    await accelerator.close();
  }
  const elapsed = ms(t);
  if (!report.ok) throw new Error(`scenario record (version ${version}) failed verification: ${JSON.stringify(report.checks.filter((c) => !c.ok))}`);
  return { ms: elapsed, bytes: text.length, threads: accelerator.threads };
}

export async function benchVerify(options: { ballots?: number; singleThread?: boolean } = {}): Promise<void> {
  // Version 2 (what new votes produce) and version 1 beside it, measured in the same run.
  for (const version of [2, 1] as const) await benchVerifyVersion(version, options);
}

async function benchVerifyVersion(version: ProtocolVersion, options: { ballots?: number; singleThread?: boolean }): Promise<void> {
  const n = options.ballots ?? 3000;
  console.log(`\n== verify: a version-${version} ${n}-ballot record (${n} members present, ${n} tokens, ${n} ballots), ${availableParallelism()} cores ==`);
  let t = performance.now();
  const scenario = await buildScenario('bench/verify', { memberCount: n, presentCount: n, trustIssuedTokens: true, version });
  const text = JSON.stringify(scenario.record);
  console.log(
    `built the record in ${(ms(t) / 1000).toFixed(1)} s (not timed below): ${(text.length / 1e6).toFixed(1)} MB, ${scenario.record.entries.length} entries`,
  );

  // Full verification as `piaojue verify` runs it: JSON parse, worker start-up and every check.
  t = performance.now();
  const accelerator = createWorkerAccelerator();
  let report;
  let backend: string;
  try {
    report = await verifyRecord(JSON.parse(text), { jwks: scenario.service.jwks, randomBytes, accelerator });
    backend = await accelerator.backend();
  } finally {
    await accelerator.close();
  }
  const fullMs = ms(t);
  if (!report.ok) throw new Error(`bench record failed verification: ${JSON.stringify(report.checks.filter((c) => !c.ok))}`);

  let singleMs: number | null = null;
  if (options.singleThread !== false) {
    t = performance.now();
    const single = await verifyRecord(JSON.parse(text), { jwks: scenario.service.jwks, randomBytes });
    singleMs = ms(t);
    if (!single.ok) throw new Error('bench record failed single-thread verification');
  }

  const closed = scenario.record.entries.at(-1) as Extract<ChainEntry, { kind: 'vote.closed' }>;
  const raw = rawCost(scenario.definition.publicKey, scenario.definition.voteId, closed.body.ballots);
  if (!raw.ok) throw new Error('raw batch check failed');
  let ballotSigMs = 0;
  if (version === 2) {
    // The version-2 extra: one Ed25519 batch over every ballot signature, one thread.
    t = performance.now();
    const sigOk = verifyDeviceSignatures(
      closed.body.ballots.map((b) => ballotSignatureCheck(b as BallotV2)),
      randomBytes,
    ).every(Boolean);
    ballotSigMs = ms(t);
    if (!sigOk) throw new Error('raw ballot-signature batch failed');
  }
  const rawMs = raw.hashMs + raw.batchMs + ballotSigMs;

  const per = (x: number) => `${(x / n).toFixed(2)} ms/ballot`;
  console.log(
    `full verification, ${accelerator.threads} worker threads   ${fmt(fullMs)}  ${per(fullMs)}   (every check: chain, attendance, ${n} device signatures, ${n} token signatures${version === 2 ? `, ${n} ballot signatures` : ''}, recount, JWS; G1 decoding ${backend})`,
  );
  if (singleMs !== null)
    console.log(`full verification, one thread          ${fmt(singleMs)}  ${per(singleMs)}   (pure JavaScript, in place: the browser's path)`);
  console.log(`raw: hash_to_curve × ${n}              ${fmt(raw.hashMs)}  ${per(raw.hashMs)}`);
  console.log(`raw: one batch verification           ${fmt(raw.batchMs)}  ${per(raw.batchMs)}   (strict decoding, 2 × Pippenger, 1 pairing product)`);
  if (version === 2) console.log(`raw: ballot signatures, one batch      ${fmt(ballotSigMs)}  ${per(ballotSigMs)}   (Ed25519, strict decoding, 1 MSM)`);
  console.log(`raw total                             ${fmt(rawMs)}  ${per(rawMs)}`);
  const ratio = fullMs / rawMs;
  console.log(
    `ratio full / raw: ${ratio.toFixed(2)} (target ≤ 1.30)   full: ${(fullMs / 1000).toFixed(2)} s (target ≤ 5 s)   ${ratio <= 1.3 && fullMs <= 5000 ? 'OK' : 'MISSED'}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = process.argv[2] ? Number(process.argv[2]) : undefined;
  await benchVerify(n ? { ballots: n } : {});
}
