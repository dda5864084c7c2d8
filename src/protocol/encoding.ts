// Byte encodings used on the wire and in the record. Binary values travel as base64url
// without padding (RFC 4648 §5); hashes are lower-case hex. Pure and isomorphic.
// The one home of the project's byte helpers: hex, UTF-8, concatenation and big-endian integers
// come from @noble (already the crypto dependency); base64url is written here because it must be
// strict — one spelling per byte string — which Node's Buffer and atob are not.
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import { ProtocolError } from './errors.ts';

const B64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Strict base64url decoding: rejects padding, other alphabets and non-canonical trailing bits.
 * Throws ProtocolError('invalid_encoding'), also for a value that is not a string at all.
 */
export function fromBase64url(text: string): Uint8Array {
  if (typeof text !== 'string' || !B64URL.test(text) || text.length % 4 === 1)
    throw new ProtocolError('invalid_encoding', 'not base64url', { zh: '不是规范的 base64url 编码' });
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(padded);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  // Canonical form only, so one byte string has exactly one spelling (hashes depend on it).
  if (toBase64url(out) !== text) throw new ProtocolError('invalid_encoding', 'non-canonical base64url', { zh: '不是规范的 base64url 编码' });
  return out;
}

export { bytesToHex, bytesToNumberBE, concatBytes, hexToBytes, numberToBytesBE, utf8ToBytes };

/** RFC 8785 JSON Canonicalization Scheme, as UTF-8 bytes. Throws ProtocolError('invalid_encoding') for a value JCS cannot encode. */
export function canonicalBytes(value: unknown): Uint8Array {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (cause) {
    throw new ProtocolError('invalid_encoding', (cause as Error)?.message ?? String(cause), { cause, zh: '没有规范的 JSON 形式' });
  }
  if (text === undefined) throw new ProtocolError('invalid_encoding', 'value cannot be canonicalized', { zh: '没有规范的 JSON 形式' });
  return utf8ToBytes(text);
}
