// Device keys: each enrolled phone or tablet holds one key pair (ECDSA P-256 or Ed25519, made
// with WebCrypto and never exported). The device signs login challenges and token requests; the
// service and every observer check those signatures with the functions here.
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, canonicalBytes, concatBytes, fromBase64url, utf8ToBytes } from './encoding.ts';
import { drawBytes, ProtocolError } from './errors.ts';
import { isPlainObject } from './guards.ts';
import { msm } from './msm.ts';

export const DEVICE_ALGORITHMS = ['ES256', 'Ed25519'] as const;
export type DeviceAlgorithm = (typeof DEVICE_ALGORITHMS)[number];

/** A device public key as it is enrolled and recorded: raw key bytes, base64url. */
export interface DevicePublicKey {
  alg: DeviceAlgorithm;
  /** ES256: 65-byte uncompressed SEC1 point (WebCrypto 'raw'); Ed25519: 32 bytes (RFC 8032). */
  key: string;
}

/** A device key that is not a usable key: ProtocolError('invalid_key') on field device.key. */
const badKey = (message: string, zh: string) => new ProtocolError('invalid_key', message, { field: 'device.key', zh: `设备公钥无效：${zh}` });

/** Decodes and validates a device public key; throws ProtocolError('invalid_key') when it is not a usable key. */
export function parseDevicePublicKey(pub: DevicePublicKey): Uint8Array {
  if (!isPlainObject(pub)) throw badKey('device key must be { alg, key }', '必须是 { alg, key }');
  let raw: Uint8Array;
  try {
    raw = fromBase64url(pub.key);
  } catch {
    throw badKey('device key is not base64url', '不是 base64url 编码');
  }
  if (pub.alg === 'ES256') {
    if (raw.length !== 65 || raw[0] !== 0x04) throw badKey('ES256 key must be a 65-byte uncompressed point', 'ES256 公钥必须是 65 字节的非压缩点');
    try {
      p256.Point.fromBytes(raw).assertValidity();
    } catch {
      throw badKey('ES256 key is not a point on P-256', 'ES256 公钥不是 P-256 曲线上的点');
    }
  } else if (pub.alg === 'Ed25519') {
    if (raw.length !== 32) throw badKey('Ed25519 key must be 32 bytes', 'Ed25519 公钥必须是 32 字节');
    try {
      const point = ed25519.Point.fromBytes(raw);
      // A small-order key would let anyone forge "signatures" that verify.
      if (point.isSmallOrder()) throw new Error('small order');
    } catch {
      throw badKey('Ed25519 key is not a valid point', 'Ed25519 公钥不是有效的点');
    }
  } else {
    throw badKey('unsupported device key algorithm', '不支持的设备密钥算法');
  }
  return raw;
}

/** SHA-256 fingerprint of a device key, hex: how the record refers to a device. */
export function deviceKeyFingerprint(pub: DevicePublicKey): string {
  const raw = parseDevicePublicKey(pub);
  return bytesToHex(sha256(concatBytes(utf8ToBytes(`${pub.alg}:`), raw)));
}

/**
 * The exact bytes a device signs: RFC 8785 canonical JSON of the fields plus a `purpose`
 * that separates login challenges from token requests, so a signature for one can never be
 * replayed as the other.
 */
export function deviceMessage(
  purpose: 'piaojue/v1/login' | 'piaojue/v1/token-request' | 'piaojue/v2/confirmation' | 'piaojue/v2/countersignature',
  fields: Record<string, string>,
): Uint8Array {
  return canonicalBytes({ ...fields, purpose });
}

/**
 * Verifies a device signature. ES256 signatures are IEEE P1363 r‖s (64 bytes, what WebCrypto
 * produces) over SHA-256 of the message; high-S is accepted because WebCrypto does not
 * normalise S. Ed25519 per RFC 8032. Never throws on attacker-controlled input: false instead.
 */
export function verifyDeviceSignature(pub: DevicePublicKey, message: Uint8Array, signatureB64: string): boolean {
  try {
    const raw = parseDevicePublicKey(pub);
    const sig = fromBase64url(signatureB64);
    if (pub.alg === 'ES256') {
      if (sig.length !== 64) return false;
      return p256.verify(sig, message, raw, { prehash: true, lowS: false, format: 'compact' });
    }
    if (sig.length !== 64) return false;
    return ed25519.verify(sig, message, raw, { zip215: false });
  } catch {
    return false;
  }
}

/** The bytes a device signs to ask for a ballot token; the record keeps the signature (issuance). */
export function tokenRequestMessage(voteId: string, blindedPoint: string): Uint8Array {
  return deviceMessage('piaojue/v1/token-request', { voteId, blindedPoint });
}

/** One device signature to check: verifyDeviceSignature(device, message, signature). */
export interface DeviceSignatureCheck {
  device: DevicePublicKey;
  message: Uint8Array;
  signature: string;
}

const ED = ed25519.Point;
const L = ED.Fn.ORDER;

function bytesToNumberLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/**
 * verifyDeviceSignature for many checks at once, with the same answers. ES256 signatures are
 * checked one by one. Ed25519 signatures are checked together by the cofactored batch equation
 * (as ed25519-zebra and dalek do): with random 128-bit zᵢ,
 *   [8]·( (Σ zᵢsᵢ mod L)·B − Σ zᵢ·Rᵢ − Σ (zᵢkᵢ mod L)·Aᵢ ) = O,   kᵢ = SHA-512(Rᵢ ‖ Aᵢ ‖ Mᵢ) mod L,
 * after the same strict decoding as the single check (canonical R and A, A not of small order,
 * s < L). noble's single check is the cofactored equation too, so a batch that passes means,
 * but for probability ≤ 2⁻¹²⁸, that every single check passes; when the batch fails each
 * Ed25519 signature is checked alone. `randomBytes` must be real randomness.
 */
export function verifyDeviceSignatures(checks: readonly DeviceSignatureCheck[], randomBytes: (n: number) => Uint8Array): boolean[] {
  const result = new Array<boolean>(checks.length).fill(false);
  const batch: { i: number; R: ReturnType<typeof ED.fromBytes>; A: ReturnType<typeof ED.fromBytes>; s: bigint; k: bigint }[] = [];
  checks.forEach((c, i) => {
    if (c.device.alg !== 'Ed25519') {
      result[i] = verifyDeviceSignature(c.device, c.message, c.signature);
      return;
    }
    try {
      const rawKey = parseDevicePublicKey(c.device); // strict, not of small order
      const sig = fromBase64url(c.signature);
      if (sig.length !== 64) return;
      const s = bytesToNumberLE(sig.subarray(32));
      if (s >= L) return;
      const R = ED.fromBytes(sig.subarray(0, 32), false);
      const A = ED.fromBytes(rawKey, false);
      const k = bytesToNumberLE(sha512(concatBytes(sig.subarray(0, 32), rawKey, c.message))) % L;
      batch.push({ i, R, A, s, k });
    } catch {
      // malformed: false
    }
  });
  if (batch.length === 0) return result;
  const coins = drawBytes(randomBytes, 16 * batch.length, 'batch coefficients');
  let sB = 0n;
  const rs: ReturnType<typeof ED.fromBytes>[] = [];
  const zs: bigint[] = [];
  const as: ReturnType<typeof ED.fromBytes>[] = [];
  const zks: bigint[] = [];
  batch.forEach((b, j) => {
    const z = bytesToNumberLE(coins.subarray(16 * j, 16 * j + 16)) || 1n;
    sB = (sB + z * b.s) % L;
    rs.push(b.R.negate());
    zs.push(z);
    as.push(b.A.negate());
    zks.push((z * b.k) % L);
  });
  // Σ zᵢ·(−Rᵢ) walks only the 128 bits of the zᵢ; Σ (zᵢkᵢ mod L)·(−Aᵢ) the 253 bits below L.
  const sum = msm(ED.ZERO, rs, zs, 128)
    .add(msm(ED.ZERO, as, zks, 253))
    .add(sB === 0n ? ED.ZERO : ED.BASE.multiply(sB));
  if (sum.clearCofactor().is0()) {
    for (const b of batch) result[b.i] = true;
  } else {
    for (const b of batch) result[b.i] = verifyDeviceSignature(checks[b.i]!.device, checks[b.i]!.message, checks[b.i]!.signature);
  }
  return result;
}
