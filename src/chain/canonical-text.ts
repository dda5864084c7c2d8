// Canonical JSON (RFC 8785, canonicalBytes) of large record entries, built from parts already in
// canonical form instead of canonicalising the whole value again. A vote.closed entry of a
// meeting of thousands is megabytes: its ballots are stored in canonical form when cast, the
// prepared close is stored in canonical form when prepared, and each later step (the
// publication, the chain append, the entry's hash) reuses that text. An object's canonical text
// is its members sorted by key, each `key:value` with the key and value themselves canonical —
// so a member whose value is already canonical text can be spliced in as it is.
//
// The hashes here are the protocol's (lower-case hex SHA-256 of the canonical UTF-8 bytes), made
// with the platform's SHA-256: the protocol core's portable one is several times slower on
// megabytes.
import { createHash } from 'node:crypto';
import { canonicalBytes } from '../protocol/encoding.ts';

const decoder = new TextDecoder();

/** A value's canonical JSON text, given as is (never checked: callers hold it from canonicalBytes or a verified hash). */
export class CanonicalText {
  constructor(readonly text: string) {}
}

/** canonicalBytes(value) as text. */
export function canonicalText(value: unknown): string {
  return decoder.decode(canonicalBytes(value));
}

/**
 * The canonical text of an object whose members are given: a CanonicalText member is spliced
 * as it is, any other is canonicalised; undefined members are left out (as canonicalBytes does).
 */
export function canonicalObjectText(members: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(members).sort()) {
    const value = members[key];
    if (value === undefined) continue;
    parts.push(`${canonicalText(key)}:${value instanceof CanonicalText ? value.text : canonicalText(value)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The canonical text of an array whose elements are canonical texts. */
export function canonicalArrayText(elements: readonly string[]): string {
  return `[${elements.join(',')}]`;
}

/** Lower-case hex SHA-256 of the text's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index just past the JSON string that starts at `i` (a quote): its first quote not escaped. */
function skipString(text: string, i: number): number {
  for (let j = text.indexOf('"', i + 1); j >= 0; j = text.indexOf('"', j + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j + 1;
  }
  throw new Error('canonical text: unterminated string');
}

/**
 * The members of a canonical JSON object (as canonicalObjectText or canonicalBytes wrote it, so
 * no whitespace): each key with its value's text, in order. Only the top level is walked; a
 * value's text is sliced, not parsed.
 */
export function canonicalMembers(text: string): Map<string, CanonicalText> {
  const members = new Map<string, CanonicalText>();
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) throw new Error('canonical text: not an object');
  let i = 1;
  while (i < text.length - 1) {
    if (text.charCodeAt(i) !== QUOTE) throw new Error(`canonical text: a key expected at ${i}`);
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    if (text.charCodeAt(keyEnd) !== 0x3a) throw new Error(`canonical text: ':' expected at ${keyEnd}`);
    const start = keyEnd + 1;
    let depth = 0;
    let j = start;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) {
        j = skipString(text, j) - 1;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) break; // the object's closing brace
        depth--;
      } else if (c === 0x2c && depth === 0) {
        break;
      }
    }
    members.set(key, new CanonicalText(text.slice(start, j)));
    i = j + 1;
  }
  return members;
}
