// Defensive readers for attacker-controlled JSON (ballots, records): each names the field it
// reads and fails with a coded ProtocolError, never a TypeError from deep inside.
import { fromBase64url } from './encoding.ts';
import { ProtocolError, type ProtocolErrorCode } from './errors.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function expectObject(value: unknown, field: string, code: ProtocolErrorCode, keys?: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) throw new ProtocolError(code, `${field} must be an object`, { field });
  if (keys) {
    // Exact key sets: an extra field would change the canonical hash without changing meaning.
    for (const k of Object.keys(value)) {
      if (!keys.includes(k)) throw new ProtocolError(code, `${field}.${k} is not an allowed field`, { field: `${field}.${k}` });
    }
    for (const k of keys) {
      if (!(k in value)) throw new ProtocolError(code, `${field}.${k} is missing`, { field: `${field}.${k}` });
    }
  }
  return value;
}

export function expectString(value: unknown, field: string, code: ProtocolErrorCode, maxLength = 1024): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new ProtocolError(code, `${field} must be a non-empty string of at most ${maxLength} characters`, { field });
  }
  return value;
}

export function expectInt(value: unknown, field: string, code: ProtocolErrorCode, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ProtocolError(code, `${field} must be an integer in [${min}, ${max}]`, { field });
  }
  return value;
}

export function expectArray(value: unknown, field: string, code: ProtocolErrorCode): unknown[] {
  if (!Array.isArray(value)) throw new ProtocolError(code, `${field} must be an array`, { field });
  return value;
}

export function expectOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, code: ProtocolErrorCode): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ProtocolError(code, `${field} must be one of ${allowed.join(', ')}`, { field });
  }
  return value as T;
}

export const HEX64 = /^[0-9a-f]{64}$/;

export function expectHex64(value: unknown, field: string, code: ProtocolErrorCode): string {
  if (typeof value !== 'string' || !HEX64.test(value)) {
    throw new ProtocolError(code, `${field} must be 64 lower-case hex digits`, { field });
  }
  return value;
}

/** Strict base64url (RFC 4648 §5, no padding, canonical) of exactly `length` bytes. */
export function decodeB64(value: unknown, length: number, field: string): Uint8Array {
  if (typeof value !== 'string') throw new ProtocolError('invalid_encoding', `${field} must be a base64url string`, { field });
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(value);
  } catch (cause) {
    throw new ProtocolError('invalid_encoding', `${field} is not canonical base64url`, { field, cause });
  }
  if (bytes.length !== length) {
    throw new ProtocolError('invalid_length', `${field} must be ${length} bytes, got ${bytes.length}`, { field });
  }
  return bytes;
}
