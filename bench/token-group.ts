// Benchmark (issue 10 §6): which group should tokens live in? Measures, side by side in one run
// and with noble in both columns,
//   G1 — today's placement: tokens in G1, vote key in G2 (the project's code in src/protocol);
//   G2 — the alternative: tokens in G2 as standard BLS signatures, key in G1 (noble's G2 ops here),
// for hashing, blind issuance (blind, sign, unblind), one token check and a batch of N tokens
// (random linear combination with 128-bit coefficients, the same math on both sides). When the
// optional native @chainsafe/blst can be imported, its single and batch checks of N standard
// signatures (G2) are printed beside them; otherwise that they were skipped.
// Run: npm run bench -- token-group [--n 3000] [--reps 10]
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { msm } from '../src/protocol/msm.ts';
import {
  batchCoefficients,
  blindToken,
  decodeG2,
  decodeScalar,
  hashToken,
  publicKeyOf,
  randomBlindingScalar,
  randomScalar,
  signBlinded,
  tokenMessage,
  unblind,
  verifyToken,
  verifyTokensBatch,
  type TokenItem,
} from '../src/protocol/tokens.ts';

const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const Fr = bls12_381.fields.Fr;
const Fp12 = bls12_381.fields.Fp12;
type G2P = ReturnType<typeof G2.fromBytes>;
/** A standard ciphersuite DST for signatures in G2 (the one @chainsafe/blst uses). */
const G2_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const VOTE_ID = 'bench-token-group';

const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));

function arg(name: string, fallback: number): number {
  const argv = process.argv;
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const value = Number(argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} wants a positive integer`);
  return value;
}

/** Milliseconds per call of fn, over `reps` calls (after one untimed warm-up call). */
function perOp(reps: number, fn: (i: number) => unknown): number {
  fn(-1);
  const t = performance.now();
  for (let i = 0; i < reps; i++) fn(i);
  return (performance.now() - t) / reps;
}

function once(fn: () => boolean, what: string): number {
  const t = performance.now();
  if (!fn()) throw new Error(`${what} failed`);
  return performance.now() - t;
}

const tokens = (n: number) => Array.from({ length: n }, () => randomBytes(32));

// ---- G2 placement, noble: the same operations as tokens.ts, with the groups swapped ----

function g2Hash(t: Uint8Array): G2P {
  return bls12_381.G2.hashToCurve(tokenMessage(VOTE_ID, t), { DST: G2_DST });
}

/** e(−g1, S) · e(pk, H) = 1  ⇔  e(pk, H) = e(g1, S). */
function g2PairingCheck(pk: ReturnType<typeof G1.fromBytes>, sig: G2P, hashed: G2P): boolean {
  const gt = bls12_381.pairingBatch([
    { g1: G1.BASE.negate(), g2: sig },
    { g1: pk, g2: hashed },
  ]);
  return Fp12.eql(gt, Fp12.ONE);
}

function g2Verify(pkBytes: Uint8Array, t: Uint8Array, sigBytes: Uint8Array): boolean {
  const pk = G1.fromBytes(pkBytes);
  const sig = decodeG2(sigBytes, 'signature');
  return g2PairingCheck(pk, sig, g2Hash(t));
}

/** Random linear combination over the tokens: two 128-bit MSMs in G2, one two-pairing product. */
function g2VerifyBatch(pkBytes: Uint8Array, ts: readonly Uint8Array[], sigs: readonly Uint8Array[]): boolean {
  const pk = G1.fromBytes(pkBytes);
  const points = sigs.map((s, i) => decodeG2(s, `signatures.${i}`));
  const hashes = ts.map(g2Hash);
  const cs = batchCoefficients(randomBytes, ts.length);
  return g2PairingCheck(pk, msm(G2.ZERO, points, cs, 128), msm(G2.ZERO, hashes, cs, 128));
}

// ---- optional native backend ----

interface Blst {
  SecretKey: { fromKeygen(ikm: Uint8Array): { toPublicKey(): unknown; sign(msg: Uint8Array): { toBytes(compress?: boolean): Uint8Array } } };
  Signature: { fromBytes(bytes: Uint8Array, validate?: boolean): unknown };
  verify(msg: Uint8Array, pk: unknown, sig: unknown, pkValidate?: boolean, sigGroupcheck?: boolean): boolean;
  verifyMultipleAggregateSignatures(sets: { msg: Uint8Array; pk: unknown; sig: unknown }[], pksValidate?: boolean, sigsGroupcheck?: boolean): boolean;
}

async function loadBlst(): Promise<Blst | null> {
  const name = '@chainsafe/blst'; // not a dependency: measured only when installed
  try {
    return (await import(name)) as Blst;
  } catch {
    return null;
  }
}

export async function benchTokenGroup(): Promise<void> {
  const n = arg('n', 3000);
  const reps = arg('reps', 10);
  console.log(`token group: G1 tokens (today) vs G2 tokens (standard BLS), noble, ${reps} reps per single op, batch of ${n}`);

  // Keys. The batch fixtures are signed with a small secret key through multiplyUnsafe, only to
  // build N signatures quickly; what a check costs does not depend on the key.
  const skBytes = randomScalar(randomBytes, 'secretKey');
  const sk = decodeScalar(skBytes, 'secretKey');
  const pkG2 = publicKeyOf(skBytes);
  const pkG1 = G1.BASE.multiply(sk).toBytes(true);
  const smallSk = 0xc0ffeen;
  const pkG2Small = G2.BASE.multiply(smallSk).toBytes(true);
  const pkG1Small = G1.BASE.multiply(smallSk).toBytes(true);

  const ts = tokens(reps + 1);
  const rs = ts.map(() => randomBlindingScalar(randomBytes));
  const at = (i: number) => i + 1;

  const rows: [string, number, number][] = [];
  // hash_to_curve
  rows.push(['hash_to_curve', perOp(reps, (i) => hashToken(VOTE_ID, ts[at(i)]!, 2)), perOp(reps, (i) => g2Hash(ts[at(i)]!).toBytes(true))]);
  // blind issuance: device blinds (hash + multiplication), service signs (strict decode + multiplication), device unblinds
  const blindedG1 = ts.map((t, i) => blindToken(VOTE_ID, t, rs[i]!, 2));
  const blindedG2 = ts.map((t, i) => g2Hash(t).multiply(decodeScalar(rs[i]!, 'r')).toBytes(true));
  rows.push([
    'blind (device)',
    perOp(reps, (i) => blindToken(VOTE_ID, ts[at(i)]!, rs[at(i)]!, 2)),
    perOp(reps, (i) =>
      g2Hash(ts[at(i)]!)
        .multiply(decodeScalar(rs[at(i)]!, 'r'))
        .toBytes(true),
    ),
  ]);
  const answersG1 = blindedG1.map((b) => signBlinded(skBytes, b));
  const answersG2 = blindedG2.map((b) => decodeG2(b, 'blindedPoint').multiply(sk).toBytes(true));
  rows.push([
    'sign blinded (service)',
    perOp(reps, (i) => signBlinded(skBytes, blindedG1[at(i)]!)),
    perOp(reps, (i) => decodeG2(blindedG2[at(i)]!, 'blindedPoint').multiply(sk).toBytes(true)),
  ]);
  rows.push([
    'unblind (device)',
    perOp(reps, (i) => unblind(answersG1[at(i)]!, rs[at(i)]!)),
    perOp(reps, (i) =>
      decodeG2(answersG2[at(i)]!, 'blindSignature')
        .multiply(Fr.inv(decodeScalar(rs[at(i)]!, 'r')))
        .toBytes(true),
    ),
  ]);
  const sigsG1 = answersG1.map((a, i) => unblind(a, rs[i]!));
  const sigsG2 = answersG2.map((a, i) =>
    decodeG2(a, 'blindSignature')
      .multiply(Fr.inv(decodeScalar(rs[i]!, 'r')))
      .toBytes(true),
  );
  if (!ts.every((t, i) => verifyToken(pkG2, VOTE_ID, t, sigsG1[i]!, 2) && g2Verify(pkG1, t, sigsG2[i]!))) throw new Error('issued tokens do not verify');
  // one check: strict decoding, hash_to_curve, two-pairing product
  rows.push([
    'verify one token',
    perOp(reps, (i) => verifyToken(pkG2, VOTE_ID, ts[at(i)]!, sigsG1[at(i)]!, 2)),
    perOp(reps, (i) => g2Verify(pkG1, ts[at(i)]!, sigsG2[at(i)]!)),
  ]);

  // batch of n
  const t = performance.now();
  const batchTs = tokens(n);
  const itemsG1: TokenItem[] = batchTs.map((bt) => ({
    voteId: VOTE_ID,
    t: bt,
    version: 2,
    signature: G1.fromBytes(hashToken(VOTE_ID, bt, 2))
      .multiplyUnsafe(smallSk)
      .toBytes(true),
  }));
  const batchSigsG2 = batchTs.map((bt) => g2Hash(bt).multiplyUnsafe(smallSk).toBytes(true));
  console.log(`built ${n} + ${n} signatures in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed below)`);
  const batchG1 = once(() => verifyTokensBatch(pkG2Small, itemsG1, randomBytes), 'G1 batch');
  const batchG2 = once(() => g2VerifyBatch(pkG1Small, batchTs, batchSigsG2), 'G2 batch');
  rows.push([`batch of ${n}, per token`, batchG1 / n, batchG2 / n]);

  const f = (x: number) => `${x.toFixed(2).padStart(9)} ms`;
  console.log(`${'operation'.padEnd(26)}${'G1 tokens'.padStart(12)}${'G2 tokens'.padStart(12)}   G2/G1`);
  for (const [label, g1, g2] of rows) console.log(`${label.padEnd(26)}${f(g1)}${f(g2)}   ${(g2 / g1).toFixed(2)}×`);
  console.log(`${`batch of ${n}, total`.padEnd(26)}${f(batchG1)}${f(batchG2)}   ${(batchG2 / batchG1).toFixed(2)}×`);
  console.log(
    "(G1 batch: the project's verifyTokensBatch, cofactor cleared once for the sum; G2 batch: noble hash_to_curve per token, cofactor cleared per token)",
  );

  const blst = await loadBlst();
  if (!blst) {
    console.log('blst: skipped (@chainsafe/blst cannot be imported; it is not a dependency: npm install --no-save @chainsafe/blst to measure it)');
    return;
  }
  const bsk = blst.SecretKey.fromKeygen(randomBytes(32));
  const bpk = bsk.toPublicKey();
  const msgs = batchTs.map((bt) => tokenMessage(VOTE_ID, bt));
  const bsigs = msgs.map((m) => bsk.sign(m).toBytes(true));
  // Strict decoding (subgroup check) of the attacker-controlled signature is inside the timing.
  const blstOne = perOp(reps, (i) => {
    const j = at(i) % n;
    if (!blst.verify(msgs[j]!, bpk, blst.Signature.fromBytes(bsigs[j]!, true), false, false)) throw new Error('blst verify failed');
  });
  const blstBatch = once(
    () =>
      blst.verifyMultipleAggregateSignatures(
        msgs.map((msg, i) => ({ msg, pk: bpk, sig: blst.Signature.fromBytes(bsigs[i]!, true) })),
        false,
        false,
      ),
    'blst batch',
  );
  console.log(`${'blst (native, G2 sigs)'.padEnd(26)}${'one token'.padStart(12)}${'batch/token'.padStart(12)}   batch total`);
  console.log(`${''.padEnd(26)}${f(blstOne)}${f(blstBatch / n)}   ${f(blstBatch)}`);
  console.log(
    `noble G2 / blst: one token ${(rows[4]![2] / blstOne).toFixed(1)}×, batch ${(batchG2 / blstBatch).toFixed(1)}×; noble G1 (today) / blst: one token ${(rows[4]![1] / blstOne).toFixed(1)}×, batch ${(batchG1 / blstBatch).toFixed(1)}×`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchTokenGroup();
