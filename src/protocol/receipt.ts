// Service signatures over canonical JSON: ballot receipts and the tally.
// Compact JWS (RFC 7515 §7.1), alg EdDSA with an Ed25519 key (RFC 8037), payload = the RFC 8785
// canonical JSON bytes. The `typ` header separates the two uses, so a receipt can never be
// passed off as a tally signature or the other way round.
import { compactVerify, CompactSign, createLocalJWKSet, type JSONWebKeySet, type KeyInput } from 'jose';
import { canonicalBytes } from './encoding.ts';
import { ProtocolError } from './errors.ts';
import { expectHex64, expectObject, expectString, type Json } from './guards.ts';
import type { Tally } from './tally.ts';

export const RECEIPT_TYP = 'piaojue-receipt+jws';
export const TALLY_TYP = 'piaojue-tally+jws';
/** Pinned: "alg" from the token header is never trusted (RFC 8725 §3.1). */
const ALGORITHMS = ['EdDSA'];

export interface ReceiptPayload {
  voteId: string;
  ballotHash: string;
}

/** The receipt's payload bytes: canonical JSON of { voteId, ballotHash }. */
export function receiptPayload(voteId: string, ballotHash: string): Uint8Array {
  return canonicalBytes({ voteId, ballotHash });
}

/**
 * Signs canonical JSON as a compact JWS with the service's Ed25519 key. The service calls it
 * with `typ` RECEIPT_TYP or TALLY_TYP; `kid` names the key in /.well-known/jwks.json.
 */
export async function signCanonical(
  payload: Json | Tally | ReceiptPayload,
  privateKey: KeyInput,
  kid: string,
  typ: typeof RECEIPT_TYP | typeof TALLY_TYP,
): Promise<string> {
  return new CompactSign(canonicalBytes(payload)).setProtectedHeader({ alg: 'EdDSA', kid, typ }).sign(privateKey);
}

export function signReceipt(receipt: ReceiptPayload, privateKey: KeyInput, kid: string): Promise<string> {
  return signCanonical({ voteId: receipt.voteId, ballotHash: receipt.ballotHash }, privateKey, kid, RECEIPT_TYP);
}

export function signTally(tally: Tally, privateKey: KeyInput, kid: string): Promise<string> {
  return signCanonical(tally, privateKey, kid, TALLY_TYP);
}

const HEADER_MEMBERS = ['alg', 'kid', 'typ'];

async function verifyCanonical(jws: unknown, jwks: JSONWebKeySet, typ: string): Promise<Uint8Array> {
  if (typeof jws !== 'string' || jws.length > 1_000_000)
    throw new ProtocolError('invalid_signature', 'signature must be a compact JWS string', { field: 'jws', zh: '签名必须是紧凑格式的 JWS 字符串' });
  try {
    const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks), { algorithms: ALGORITHMS });
    if (protectedHeader.typ !== typ)
      throw new ProtocolError('invalid_signature', `typ is ${String(protectedHeader.typ)}, expected ${typ}`, {
        field: 'typ',
        zh: `JWS 头部的 typ 为 ${String(protectedHeader.typ)}，应为 ${typ}`,
      });
    // Exactly alg, kid and typ: any other member (crit, b64, jku, x5u, …) is refused, so no
    // header can change how the payload is read or where the key comes from.
    const extra = Object.keys(protectedHeader).find((k) => !HEADER_MEMBERS.includes(k));
    if (extra !== undefined || typeof protectedHeader.kid !== 'string') {
      throw new ProtocolError('invalid_signature', `the protected header must hold exactly alg, kid and typ${extra ? ` (found ${extra})` : ''}`, {
        field: 'jws',
        zh: `JWS 受保护头部必须恰好含 alg、kid、typ 三项${extra ? `（多出 ${extra}）` : ''}`,
      });
    }
    return payload;
  } catch (cause) {
    // jose's own reasons are English; the Chinese names the check that failed, and ours in full.
    const zh = cause instanceof ProtocolError ? cause.messageZh : '签名无法用服务公钥验证（密钥不符、算法不允许或内容被改动）';
    throw new ProtocolError('invalid_signature', `JWS does not verify: ${(cause as Error).message}`, { field: 'jws', cause, zh: `JWS 签名验证未通过：${zh}` });
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Verifies a receipt against the service's JWKS and returns { voteId, ballotHash }. The payload
 * must be exactly the canonical JSON of those two fields. Throws ProtocolError('invalid_signature').
 */
export async function verifyReceipt(jws: unknown, jwks: JSONWebKeySet): Promise<ReceiptPayload> {
  const payload = await verifyCanonical(jws, jwks, RECEIPT_TYP);
  let parsed: ReceiptPayload;
  try {
    const o = expectObject(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)), 'receipt', 'invalid_signature', ['voteId', 'ballotHash']);
    parsed = { voteId: expectString(o.voteId, 'voteId', 'invalid_signature', 256), ballotHash: expectHex64(o.ballotHash, 'ballotHash', 'invalid_signature') };
  } catch (cause) {
    throw new ProtocolError('invalid_signature', 'receipt payload is not { voteId, ballotHash }', {
      field: 'jws',
      cause,
      zh: '回执内容不是 { voteId, ballotHash }',
    });
  }
  if (!sameBytes(payload, receiptPayload(parsed.voteId, parsed.ballotHash))) {
    throw new ProtocolError('invalid_signature', 'receipt payload is not canonical JSON', { field: 'jws', zh: '回执内容不是规范化的 JSON' });
  }
  return parsed;
}

/**
 * Verifies the tally JWS and that its payload is byte for byte the canonical JSON of `tally`.
 * Throws ProtocolError('invalid_signature').
 */
export async function verifyTallySignature(jws: unknown, jwks: JSONWebKeySet, tally: unknown): Promise<void> {
  const payload = await verifyCanonical(jws, jwks, TALLY_TYP);
  let expected: Uint8Array;
  try {
    expected = canonicalBytes(tally);
  } catch (cause) {
    throw new ProtocolError('invalid_signature', 'tally cannot be canonicalised', { field: 'tally', cause, zh: '计票结果无法规范化' });
  }
  if (!sameBytes(payload, expected))
    throw new ProtocolError('invalid_signature', 'the signed tally differs from the published tally', {
      field: 'tally',
      zh: '签名所覆盖的计票结果与公布的计票结果不同',
    });
}
