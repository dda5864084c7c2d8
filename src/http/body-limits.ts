// Request bodies, bounded per route before any parsing work. The Content-Length is checked
// against the route's limit before a byte is read (a stream without one is cut at the limit);
// then, before JSON.parse, one pass over the bytes refuses nesting deeper than any request
// of this API needs (a deeply nested body is cheap to send and dear to parse and walk).
import express, { type RequestHandler } from 'express';
import { MAX_CANDIDATES_PER_ITEM, MAX_ITEMS } from '../votes/limits.ts';
import { castBodyText } from '../protocol/ballot-v2.ts';
import type { BallotV2, Choices } from '../protocol/ballot.ts';

/** No request body of this API nests deeper than 4; this leaves room and refuses abuse. */
export const MAX_JSON_DEPTH = 16;

/**
 * The cast body of the largest vote the service accepts (MAX_ITEMS items of
 * MAX_CANDIDATES_PER_ITEM candidates, ids numbered across items as createVote does), as a
 * version-2 client sends it: canonical JSON, padded so every mark counts as the longest. Every
 * other field has a length fixed by the protocol. A version-1 ballot is shorter (no padding).
 */
export function largestCastBody(): string {
  const choices: Choices = {};
  let candidateNo = 0;
  for (let i = 1; i <= MAX_ITEMS; i++) {
    const marks: Record<string, 'approve'> = {};
    for (let j = 0; j < MAX_CANDIDATES_PER_ITEM; j++) marks[`c${++candidateNo}`] = 'approve';
    choices[`i${i}`] = marks;
  }
  const ballot: BallotV2 = {
    voteId: '00000000-0000-0000-0000-000000000000',
    ballotPublicKey: 'A'.repeat(43), // 32 bytes, base64url
    signature: 'A'.repeat(64), // 48 bytes
    ballotSignature: 'A'.repeat(86), // 64 bytes
    choices,
  };
  return castBodyText(ballot);
}

/** The cast route's limit: the largest legitimate body and a little slack for whitespace. */
export const CAST_BODY_LIMIT = Buffer.byteLength(largestCastBody()) + 1024;
/** Vote creation (20 × 200 names) and roster batches are the large bodies. */
export const LARGE_BODY_LIMIT = 1024 * 1024;
/**
 * Stroke-order lists: 30,000 characters in all (src/http/routes/collation.ts), at most 4 bytes each
 * in UTF-8, with the quotes and commas of 3,000 names: about 130 KiB, and room for whitespace.
 */
export const STROKE_ORDER_BODY_LIMIT = 192 * 1024;
/** Attendance: up to 3,000 ids (about 40 bytes each). */
export const ATTENDANCE_BODY_LIMIT = 160 * 1024;
/** Everything else takes a few short fields. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

/** Route patterns (method and path) with a limit other than the default. */
const ROUTE_LIMITS: { method: string; path: RegExp; limit: number }[] = [
  { method: 'POST', path: /^\/v1\/ballots\/?$/, limit: CAST_BODY_LIMIT },
  { method: 'POST', path: /^\/v1\/meetings\/[^/]+\/votes\/?$/, limit: LARGE_BODY_LIMIT },
  { method: 'POST', path: /^\/v1\/collation\/stroke-order\/?$/, limit: STROKE_ORDER_BODY_LIMIT },
  { method: 'PUT', path: /^\/v1\/meetings\/[^/]+\/attendance\/?$/, limit: ATTENDANCE_BODY_LIMIT },
  { method: 'POST', path: /^\/v1\/committees\/[^/]+\/members\/batch\/?$/, limit: LARGE_BODY_LIMIT },
];

export function bodyLimitFor(method: string, path: string): number {
  return ROUTE_LIMITS.find((r) => r.method === method && r.path.test(path))?.limit ?? DEFAULT_BODY_LIMIT;
}

/** The deepest nesting of arrays and objects in JSON text, outside strings; stops past `max`. */
export function exceedsDepth(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > max) return true;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return false;
}

class TooDeepError extends Error {
  readonly type = 'entity.too.deep';
}

const verify = (_req: unknown, _res: unknown, buf: Buffer) => {
  if (exceedsDepth(buf, MAX_JSON_DEPTH)) throw new TooDeepError(`JSON nested deeper than ${MAX_JSON_DEPTH}`);
};

/** The JSON body parser, with the route's limit and the depth check. */
export function jsonBody(): RequestHandler {
  const parsers = new Map<number, RequestHandler>();
  const parserFor = (limit: number) => {
    let p = parsers.get(limit);
    if (!p) {
      p = express.json({ limit, type: ['application/json', 'application/*+json'], strict: true, verify });
      parsers.set(limit, p);
    }
    return p;
  };
  for (const l of [DEFAULT_BODY_LIMIT, ...ROUTE_LIMITS.map((r) => r.limit)]) parserFor(l);
  return (req, res, next) => parserFor(bodyLimitFor(req.method, req.path))(req, res, next);
}
