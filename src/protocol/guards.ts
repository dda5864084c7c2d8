// Defensive readers for attacker-controlled JSON (ballots, records): each names the field it
// reads and fails with a coded ProtocolError, never a TypeError from deep inside.
import { fromBase64url } from './encoding.ts';
import { ProtocolError, type ProtocolErrorCode } from './errors.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function expectObject(value: unknown, field: string, code: ProtocolErrorCode, keys?: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) throw new ProtocolError(code, `${field} must be an object`, { field, zh: `${field} 必须是对象` });
  if (keys) {
    // Exact key sets: an extra field would change the canonical hash without changing meaning.
    for (const k of Object.keys(value)) {
      if (!keys.includes(k))
        throw new ProtocolError(code, `${field}.${k} is not an allowed field`, { field: `${field}.${k}`, zh: `${field}.${k} 是不允许出现的字段` });
    }
    for (const k of keys) {
      if (!(k in value)) throw new ProtocolError(code, `${field}.${k} is missing`, { field: `${field}.${k}`, zh: `缺少 ${field}.${k}` });
    }
  }
  return value;
}

export function expectString(value: unknown, field: string, code: ProtocolErrorCode, maxLength = 1024): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new ProtocolError(code, `${field} must be a non-empty string of at most ${maxLength} characters`, {
      field,
      zh: `${field} 必须是非空字符串，至多 ${maxLength} 个字符`,
    });
  }
  return value;
}

export function expectInt(value: unknown, field: string, code: ProtocolErrorCode, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ProtocolError(code, `${field} must be an integer in [${min}, ${max}]`, { field, zh: `${field} 必须是 ${min} 至 ${max} 之间的整数` });
  }
  return value;
}

export function expectArray(value: unknown, field: string, code: ProtocolErrorCode): unknown[] {
  if (!Array.isArray(value)) throw new ProtocolError(code, `${field} must be an array`, { field, zh: `${field} 必须是数组` });
  return value;
}

export function expectOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, code: ProtocolErrorCode): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ProtocolError(code, `${field} must be one of ${allowed.join(', ')}`, { field, zh: `${field} 的取值不在允许的 ${allowed.length} 种之内` });
  }
  return value as T;
}

export const HEX64 = /^[0-9a-f]{64}$/;

export function expectHex64(value: unknown, field: string, code: ProtocolErrorCode): string {
  if (typeof value !== 'string' || !HEX64.test(value)) {
    throw new ProtocolError(code, `${field} must be 64 lower-case hex digits`, { field, zh: `${field} 必须是 64 位小写十六进制数` });
  }
  return value;
}

/** Strict base64url (RFC 4648 §5, no padding, canonical) of exactly `length` bytes. */
export function decodeB64(value: unknown, length: number, field: string): Uint8Array {
  if (typeof value !== 'string')
    throw new ProtocolError('invalid_encoding', `${field} must be a base64url string`, { field, zh: `${field} 必须是 base64url 字符串` });
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(value);
  } catch (cause) {
    throw new ProtocolError('invalid_encoding', `${field} is not canonical base64url`, { field, cause, zh: `${field} 不是规范的 base64url 编码` });
  }
  if (bytes.length !== length) {
    throw new ProtocolError('invalid_length', `${field} must be ${length} bytes, got ${bytes.length}`, {
      field,
      zh: `${field} 应为 ${length} 字节，实为 ${bytes.length} 字节`,
    });
  }
  return bytes;
}
