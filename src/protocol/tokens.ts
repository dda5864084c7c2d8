// Blind BLS tokens (Boldyreva 2003 blind signatures; BLS short signatures in G1, keys in G2).
// Never blind Schnorr: it falls to the ROS attack under concurrent sessions.
//
// Member device:  H = hash_to_curve(utf8(voteId) ‖ t), B = r·H           (blindToken)
// Issuer:         S' = sk·B                                              (signBlinded)
// Member device:  S = r⁻¹·S' = sk·H, check e(S, g2) = e(H, pk)           (unblind, verifyToken)
// The issuer sees only B, uniformly distributed in G1 for uniform r ≠ 0: blinding is perfect.
//
// Byte formats: G1 points 48-byte compressed, G2 points 96-byte compressed (ZCash serialisation,
// draft-irtf-cfrg-pairing-friendly-curves-11 Appendix C); scalars 32-byte big-endian in [1, r).
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bytesToHex, bytesToNumberBE, concatBytes, numberToBytesBE, utf8ToBytes } from './encoding.ts';
import { clearCofactor, prehashToCurve, type G1Projective } from './h2c-g1.ts';
import { msm } from './msm.ts';
import { abytes, drawBytes, ProtocolError, type RandomBytes } from './errors.ts';
import type { ProtocolVersion } from './version.ts';

const G1 = bls12_381.G1.Point;

const G2 = bls12_381.G2.Point;
const Fr = bls12_381.fields.Fr;
const Fp12 = bls12_381.fields.Fp12;
/** Order r of G1, G2 and the scalar field. */
export const GROUP_ORDER: bigint = Fr.ORDER;

export type G1Point = ReturnType<typeof G1.fromBytes>;
export type G2Point = ReturnType<typeof G2.fromBytes>;

/** RFC 9380 §3.1 domain separation tag, versioned so a v2 token can never verify as v1. */
export const TOKEN_DST = 'PIAOJUE-V1-TOKEN_BLS12381G1_XMD:SHA-256_SSWU_RO_';
/**
 * Version 2: the hashed message is utf8(voteId) ‖ ballotPublicKey (the ballot's one-time
 * Ed25519 key, 32 bytes, in the place of v1's random t), so the token binds the key that signs
 * the marks.
 */
export const TOKEN_DST_V2 = 'PIAOJUE-V2-TOKEN_BLS12381G1_XMD:SHA-256_SSWU_RO_';

/** The token DST of a protocol version. */
export function tokenDst(version: ProtocolVersion): string {
  return version === 2 ? TOKEN_DST_V2 : TOKEN_DST;
}
export const TOKEN_LENGTH = 32;
export const G1_LENGTH = 48;
export const G2_LENGTH = 96;
export const SCALAR_LENGTH = 32;
/** Bytes drawn per uniform scalar: 64 > 32 + 16, so reduction bias is below 2⁻²⁵⁶ (FIPS 186-5 A.2.1). */
const SCALAR_SEED_LENGTH = 64;
/** Batch-verification coefficients are 128-bit: a forged batch passes with probability ≤ 2⁻¹²⁸. */
const BATCH_COEFFICIENT_LENGTH = 16;
const COEFFICIENT_BITS = 8 * BATCH_COEFFICIENT_LENGTH;
const MAX_VOTE_ID_LENGTH = 256;

/** Strict G1 decoding: 48-byte canonical compressed, on the curve, in the subgroup, not the identity. */
export function decodeG1(bytes: Uint8Array, field: string): G1Point {
  abytes(bytes, G1_LENGTH, field);
  let point: G1Point;
  try {
    point = G1.fromBytes(bytes);
    point.assertValidity(); // on curve and in the prime-order subgroup
  } catch (cause) {
    throw new ProtocolError('invalid_point', `${field} is not a valid compressed G1 subgroup point`, { field, cause, zh: `${field} 不是有效的压缩 G1 子群点` });
  }
  // The identity would let a blinded request or a "signature" carry no information.
  if (point.is0()) throw new ProtocolError('invalid_point', `${field} is the identity point`, { field, zh: `${field} 是单位元（无穷远点）` });
  // One point, one spelling: refuse non-canonical encodings (x ≥ p, wrong sort flag).
  if (bytesToHex(point.toBytes(true)) !== bytesToHex(bytes)) {
    throw new ProtocolError('invalid_point', `${field} is not canonically encoded`, { field, zh: `${field} 的编码不规范` });
  }
  return point;
}

/** Strict G2 decoding for vote public keys; failures are `invalid_key`. */
export function decodeG2(bytes: Uint8Array, field: string): G2Point {
  abytes(bytes, G2_LENGTH, field);
  let point: G2Point;
  try {
    point = G2.fromBytes(bytes);
    point.assertValidity();
  } catch (cause) {
    throw new ProtocolError('invalid_key', `${field} is not a valid compressed G2 subgroup point`, { field, cause, zh: `${field} 不是有效的压缩 G2 子群点` });
  }
  if (point.is0()) throw new ProtocolError('invalid_key', `${field} is the identity point`, { field, zh: `${field} 是单位元（无穷远点）` });
  if (bytesToHex(point.toBytes(true)) !== bytesToHex(bytes)) {
    throw new ProtocolError('invalid_key', `${field} is not canonically encoded`, { field, zh: `${field} 的编码不规范` });
  }
  return point;
}

/** Reads a 32-byte big-endian scalar in [1, r). */
export function decodeScalar(bytes: Uint8Array, field: string): bigint {
  abytes(bytes, SCALAR_LENGTH, field);
  const n = bytesToNumberBE(bytes);
  if (n === 0n || n >= GROUP_ORDER) throw new ProtocolError('invalid_scalar', `${field} must be in [1, r)`, { field, zh: `${field} 必须在 [1, r) 范围内` });
  return n;
}

/** A uniform scalar in [1, r) from 64 random bytes: (x mod (r − 1)) + 1. */
export function randomScalar(randomBytes: RandomBytes, field = 'scalar'): Uint8Array {
  const seed = drawBytes(randomBytes, SCALAR_SEED_LENGTH, field);
  return numberToBytesBE((bytesToNumberBE(seed) % (GROUP_ORDER - 1n)) + 1n, SCALAR_LENGTH);
}

function checkVoteId(voteId: unknown): string {
  if (typeof voteId !== 'string' || voteId.length === 0 || voteId.length > MAX_VOTE_ID_LENGTH) {
    throw new ProtocolError('invalid_encoding', `voteId must be a non-empty string of at most ${MAX_VOTE_ID_LENGTH} characters`, {
      field: 'voteId',
      zh: `voteId 必须是非空字符串，至多 ${MAX_VOTE_ID_LENGTH} 个字符`,
    });
  }
  return voteId;
}

/**
 * The hashed message utf8(voteId) ‖ t; t is a fixed 32 bytes at the end, so the split is
 * unambiguous. In version 2, t is the ballot's one-time public key (also 32 bytes).
 */
export function tokenMessage(voteId: string, t: Uint8Array): Uint8Array {
  return concatBytes(utf8ToBytes(checkVoteId(voteId)), abytes(t, TOKEN_LENGTH, 't'));
}

function hashTokenPoint(voteId: string, t: Uint8Array, version: ProtocolVersion): G1Point {
  // RFC 9380 §3 hash_to_curve (random-oracle variant, §8.8.1 suite with our DST), not encode_to_curve.
  return bls12_381.G1.hashToCurve(tokenMessage(voteId, t), { DST: tokenDst(version) });
}

/** H(voteId, t) as a 48-byte compressed G1 point, under the DST of `version` (default 1). */
export function hashToken(voteId: string, t: Uint8Array, version: ProtocolVersion = 1): Uint8Array {
  return hashTokenPoint(voteId, t, version).toBytes(true);
}

export interface VoteKeyPair {
  /** 32-byte big-endian scalar in [1, r). Never leaves the service. */
  secretKey: Uint8Array;
  /** 96-byte compressed G2 point, published in the record. */
  publicKey: Uint8Array;
}

export function generateVoteKey(randomBytes: RandomBytes): VoteKeyPair {
  const secretKey = randomScalar(randomBytes, 'secretKey');
  return { secretKey, publicKey: publicKeyOf(secretKey) };
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return G2.BASE.multiply(decodeScalar(secretKey, 'secretKey')).toBytes(true);
}

/** A fresh blinding factor r, uniform in [1, r). The device stores it before sending the request. */
export function randomBlindingScalar(randomBytes: RandomBytes): Uint8Array {
  return randomScalar(randomBytes, 'r');
}

/** Client: B = r·H(voteId, t), 48-byte compressed (version 2: t is the ballot public key). */
export function blindToken(voteId: string, t: Uint8Array, r: Uint8Array, version: ProtocolVersion = 1): Uint8Array {
  const scalar = decodeScalar(r, 'r');
  return hashTokenPoint(voteId, t, version).multiply(scalar).toBytes(true);
}

/** Issuer: S' = sk·B. `blindedPoint` is attacker-controlled and decoded strictly first. */
export function signBlinded(secretKey: Uint8Array, blindedPoint: Uint8Array): Uint8Array {
  const sk = decodeScalar(secretKey, 'secretKey');
  const point = decodeG1(blindedPoint, 'blindedPoint');
  return point.multiply(sk).toBytes(true);
}

/** Client: S = r⁻¹·S'. The issuer's answer is decoded strictly (a hostile server is in scope). */
export function unblind(blindSignature: Uint8Array, r: Uint8Array): Uint8Array {
  const scalar = decodeScalar(r, 'r');
  const point = decodeG1(blindSignature, 'blindSignature');
  return point.multiply(Fr.inv(scalar)).toBytes(true);
}

function pairingCheck(signature: G1Point, hashed: G1Point, publicKey: G2Point): boolean {
  // e(S, g2) · e(−H, pk) = 1  ⇔  e(S, g2) = e(H, pk). noble's pairing refuses identity inputs.
  if (signature.is0() || hashed.is0()) return signature.is0() && hashed.is0();
  const gt = bls12_381.pairingBatch([
    { g1: signature, g2: G2.BASE },
    { g1: hashed.negate(), g2: publicKey },
  ]);
  return Fp12.eql(gt, Fp12.ONE);
}

/**
 * Checks one token signature. Malformed t or signature (attacker-controlled) give false;
 * a malformed public key (pinned by the caller) throws ProtocolError('invalid_key').
 */
export function verifyToken(publicKey: Uint8Array, voteId: string, t: Uint8Array, signature: Uint8Array, version: ProtocolVersion = 1): boolean {
  const pk = decodeG2(publicKey, 'publicKey');
  let sig: G1Point;
  let hashed: G1Point;
  try {
    sig = decodeG1(signature, 'signature');
    hashed = hashTokenPoint(voteId, t, version);
  } catch {
    return false;
  }
  return pairingCheck(sig, hashed, pk);
}

export interface TokenItem {
  voteId: string;
  /** v1: the token t; v2: the ballot public key. */
  t: Uint8Array;
  signature: Uint8Array;
  /** Which DST the token was hashed under (default 1). */
  version?: ProtocolVersion;
}

/**
 * Strict G1 decoding (decodeG1's contract: the bytes are the canonical compressed encoding of a
 * point of the subgroup other than the identity, else ProtocolError('invalid_point')). A caller
 * may pass another implementation that accepts exactly the same bytes and gives the same points
 * (the optional native backend of the Node CLI and the service, src/workers/native-g1.ts); the default is decodeG1.
 */
export type G1Decoder = (bytes: Uint8Array, field: string) => G1Point;

export interface BatchOptions {
  /** Called after each token is hashed and decoded (the costly part), for progress bars. */
  onProgress?: (done: number, total: number) => void;
  /** How signatures are decoded (default decodeG1). */
  decodeG1?: G1Decoder;
}

/**
 * The random coefficients c_i of a batch check: 128-bit big-endian integers from `randomBytes`
 * (16 bytes each; a zero draw becomes 1). They must be unpredictable to whoever made the
 * signatures, so pass real randomness (crypto.getRandomValues), never a seeded stream.
 */
export function batchCoefficients(randomBytes: RandomBytes, n: number): bigint[] {
  if (n === 0) return [];
  const coins = drawBytes(randomBytes, BATCH_COEFFICIENT_LENGTH * n, 'batch coefficients');
  return Array.from({ length: n }, (_, i) => {
    const c = bytesToNumberBE(coins.subarray(i * BATCH_COEFFICIENT_LENGTH, (i + 1) * BATCH_COEFFICIENT_LENGTH));
    return c === 0n ? 1n : c;
  });
}

/**
 * The two sums of a batch check over some items, or the positions of items that are malformed
 * (a signature that fails strict decoding, a t that is not 32 bytes, a bad voteId).
 * - sigSum: Σ cᵢ·Sᵢ, 48-byte compressed G1 (the identity is the compressed infinity encoding);
 * - preHashSum: Σ cᵢ·Qᵢ where Qᵢ is hash_to_curve before cofactor clearing (h2c-g1.ts), as
 *   96 bytes x ‖ y big-endian affine (all zero for the identity): Qᵢ is not in the subgroup, so
 *   it has no compressed subgroup encoding. checkBatchSums clears the cofactor of the total once.
 */
export type TokenBatchSums = { ok: true; sigSum: Uint8Array; preHashSum: Uint8Array } | { ok: false; bad: number[] };

interface DecodedToken {
  sig: G1Point;
  /** hash_to_curve(voteId ‖ t) before clear_cofactor. */
  pre: G1Projective;
}

function decodeTokenItem(item: TokenItem, i: number, decode: G1Decoder = decodeG1): DecodedToken | null {
  try {
    const sig = decode(item.signature, `items.${i}.signature`);
    return { sig, pre: prehashToCurve(tokenMessage(item.voteId, item.t), tokenDst(item.version === 2 ? 2 : 1)) };
  } catch {
    return null;
  }
}

function affineBytes(point: G1Projective): Uint8Array {
  if (point.is0()) return new Uint8Array(2 * G1_LENGTH);
  const { x, y } = point.toAffine();
  return concatBytes(numberToBytesBE(x, G1_LENGTH), numberToBytesBE(y, G1_LENGTH));
}

function fromAffineBytes(bytes: Uint8Array, field: string): G1Projective {
  abytes(bytes, 2 * G1_LENGTH, field);
  if (bytes.every((b) => b === 0)) return G1.ZERO;
  const x = bytesToNumberBE(bytes.subarray(0, G1_LENGTH));
  const y = bytesToNumberBE(bytes.subarray(G1_LENGTH));
  const Fp = bls12_381.fields.Fp;
  // On the curve y² = x³ + 4 (not necessarily in the subgroup: that comes with clear_cofactor).
  if (x >= Fp.ORDER || y >= Fp.ORDER || Fp.sqr(y) !== Fp.add(Fp.mul(Fp.sqr(x), x), 4n)) {
    throw new ProtocolError('invalid_point', `${field} is not a point on the curve`, { field, zh: `${field} 不是曲线上的点` });
  }
  return G1.fromAffine({ x, y });
}

/**
 * Σ cᵢ·Sᵢ and Σ cᵢ·Qᵢ over the items (Pippenger), every Sᵢ decoded strictly (canonical, on the
 * curve, in the subgroup, not the identity: the subgroup check is what makes the small-exponent
 * test sound) and Qᵢ = hash_to_curve(voteId ‖ tᵢ) before cofactor clearing. This is the costly,
 * parallelisable part of a batch check: a caller may split the items into chunks, compute each
 * chunk's sums anywhere (worker threads) and pass them all to checkBatchSums; the result is the
 * same. Pure; never throws on item contents.
 */
export function tokenBatchSums(items: readonly TokenItem[], coefficients: readonly bigint[], options: BatchOptions = {}): TokenBatchSums {
  if (coefficients.length !== items.length)
    throw new ProtocolError('invalid_length', 'one coefficient per item', { field: 'coefficients', zh: '每项须有一个系数' });
  const sigs: G1Point[] = [];
  const pres: G1Projective[] = [];
  const bad: number[] = [];
  items.forEach((item, i) => {
    const d = decodeTokenItem(item, i, options.decodeG1);
    if (d) {
      sigs.push(d.sig);
      pres.push(d.pre);
    } else bad.push(i);
    options.onProgress?.(i + 1, items.length);
  });
  if (bad.length > 0) return { ok: false, bad };
  if (items.length === 0) return { ok: true, sigSum: G1.ZERO.toBytes(true), preHashSum: affineBytes(G1.ZERO) };
  return {
    ok: true,
    sigSum: msm(G1.ZERO, sigs, coefficients, COEFFICIENT_BITS).toBytes(true),
    preHashSum: affineBytes(msm(G1.ZERO, pres, coefficients, COEFFICIENT_BITS)),
  };
}

function decodeSigSum(bytes: Uint8Array, field: string): G1Point {
  abytes(bytes, G1_LENGTH, field);
  try {
    const point = G1.fromBytes(bytes); // identity allowed; on curve and in the subgroup
    point.assertValidity();
    return point;
  } catch (cause) {
    throw new ProtocolError('invalid_point', `${field} is not a G1 point`, { field, cause, zh: `${field} 不是 G1 点` });
  }
}

/**
 * The final step of a batch check: adds up partial sums (from tokenBatchSums over disjoint
 * chunks, with the coefficients of one batchCoefficients draw), clears the cofactor of the
 * hash sum once (Σ cᵢ·Hᵢ = clear_cofactor(Σ cᵢ·Qᵢ), clearing being a homomorphism) and checks
 * e(Σ cᵢ·Sᵢ, g2) = e(Σ cᵢ·Hᵢ, pk) with one two-pairing product.
 */
export function checkBatchSums(publicKey: Uint8Array, sums: readonly { sigSum: Uint8Array; preHashSum: Uint8Array }[]): boolean {
  const pk = decodeG2(publicKey, 'publicKey');
  let sig = G1.ZERO;
  let pre = G1.ZERO;
  for (const [i, s] of sums.entries()) {
    sig = sig.add(decodeSigSum(s.sigSum, `sums.${i}.sigSum`));
    pre = pre.add(fromAffineBytes(s.preHashSum, `sums.${i}.preHashSum`));
  }
  return pairingCheck(sig, clearCofactor(pre), pk);
}

/**
 * Random-linear-combination batch verification (Bellare–Garay–Rabin 1998, small-exponent test):
 * with 128-bit random c_i, checks e(Σ c_i·S_i, g2) = e(Σ c_i·H_i, pk) using two Pippenger
 * multi-scalar multiplications (128-bit windows, msm.ts) and one two-pairing product. Any malformed item makes it false.
 * The coefficients must be unpredictable to whoever made the signatures: pass real randomness.
 */
export function verifyTokensBatch(publicKey: Uint8Array, items: readonly TokenItem[], randomBytes: RandomBytes, options: BatchOptions = {}): boolean {
  decodeG2(publicKey, 'publicKey');
  if (items.length === 0) return true;
  const sums = tokenBatchSums(items, batchCoefficients(randomBytes, items.length), options);
  return sums.ok && checkBatchSums(publicKey, [sums]);
}

export interface LocateOptions extends BatchOptions {
  /** Stop after this many pairing checks (each ~0.2 s); the answer is then marked incomplete. */
  maxPairings?: number;
}

/**
 * Which items fail, by bisection: every item is hashed and decoded once; a range whose weighted
 * sums fail the pairing check is split in two until single items remain (a single item with
 * c ≠ 0 is an exact check). k bad items among n cost about 2·k·log₂(n) pairings instead of n.
 * Returns the bad indices found (ascending) and whether the search finished within the budget;
 * when it did not, every index listed is bad but others may be too.
 */
export function locateInvalidTokens(
  publicKey: Uint8Array,
  items: readonly TokenItem[],
  randomBytes: RandomBytes,
  options: LocateOptions = {},
): { bad: number[]; complete: boolean } {
  const pk = decodeG2(publicKey, 'publicKey');
  const bad: number[] = [];
  const good: { index: number; d: DecodedToken }[] = [];
  items.forEach((item, i) => {
    const d = decodeTokenItem(item, i, options.decodeG1);
    if (d) good.push({ index: i, d });
    else bad.push(i);
    options.onProgress?.(i + 1, items.length);
  });
  const coefficients = batchCoefficients(randomBytes, good.length);
  let budget = options.maxPairings ?? Number.POSITIVE_INFINITY;
  let complete = true;
  const passes = (from: number, to: number): boolean => {
    budget--;
    if (to - from === 1) return pairingCheck(good[from]!.d.sig, clearCofactor(good[from]!.d.pre), pk);
    const cs = coefficients.slice(from, to);
    const slice = good.slice(from, to);
    return pairingCheck(
      msm(
        G1.ZERO,
        slice.map((g) => g.d.sig),
        cs,
        COEFFICIENT_BITS,
      ),
      clearCofactor(
        msm(
          G1.ZERO,
          slice.map((g) => g.d.pre),
          cs,
          COEFFICIENT_BITS,
        ),
      ),
      pk,
    );
  };
  // Depth-first, left to right, so the lowest bad indices are named first when the budget runs out.
  const stack: [number, number][] = good.length > 0 ? [[0, good.length]] : [];
  while (stack.length > 0) {
    if (budget <= 0) {
      complete = false;
      break;
    }
    const [from, to] = stack.pop()!;
    if (passes(from, to)) continue;
    if (to - from === 1) {
      bad.push(good[from]!.index);
      continue;
    }
    const mid = from + Math.ceil((to - from) / 2);
    stack.push([mid, to], [from, mid]);
  }
  return { bad: bad.sort((a, b) => a - b), complete };
}

/**
 * Indices of the items whose signature fails: one batch check, and only if it fails, bisection
 * to name the bad ones exactly (no budget). Empty array when all verify.
 */
export function findInvalidTokens(publicKey: Uint8Array, items: readonly TokenItem[], randomBytes: RandomBytes, options: BatchOptions = {}): number[] {
  if (verifyTokensBatch(publicKey, items, randomBytes, options)) return [];
  return locateInvalidTokens(publicKey, items, randomBytes).bad;
}
