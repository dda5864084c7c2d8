// Byte encodings used on the wire and in the record. Binary values travel as base64url
// without padding (RFC 4648 §5); hashes are lower-case hex. Pure and isomorphic.
// The one home of the project's byte helpers: hex, UTF-8, concatenation and big-endian integers
// come from @noble (already the crypto dependency); base64url is written here because it must be
// strict — one spelling per byte string — which Node's Buffer and atob are not.
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';

const B64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Strict base64url decoding: rejects padding, other alphabets and non-canonical trailing bits. */
export function fromBase64url(text: string): Uint8Array {
  if (!B64URL.test(text) || text.length % 4 === 1) throw new TypeError('not base64url');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(padded);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  // Canonical form only, so one byte string has exactly one spelling (hashes depend on it).
  if (toBase64url(out) !== text) throw new TypeError('non-canonical base64url');
  return out;
}

export { bytesToHex, bytesToNumberBE, concatBytes, hexToBytes, numberToBytesBE, utf8ToBytes };

/** RFC 8785 JSON Canonicalization Scheme, as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return utf8ToBytes(text);
}
