// Request bodies are bounded per route before any parsing work: a body larger than its route
// needs is refused with 413 payload_too_large from its Content-Length, and JSON nested deeper
// than any request needs is refused with 400 json_too_deep before JSON.parse runs. The cast
// route's limit admits the largest legitimate padded ballot of the largest vote the service
// accepts, and not much more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession } from '../helpers/world.ts';
import { CAST_BODY_LIMIT, largestCastBody, MAX_JSON_DEPTH, STROKE_ORDER_BODY_LIMIT } from '../../src/http/body-limits.ts';
import { MAX_NAMES, MAX_TOTAL_CHARACTERS } from '../../src/http/routes/collation.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
  await adminSession(service);
});
afterAll(async () => service?.close());

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const post = (path: string, raw: string) => new Api(service.url).req('POST', path, undefined, { raw, headers: { 'content-type': 'application/json' } });

describe('per-route body limits', () => {
  it('refuses a cast body larger than the largest legitimate ballot with 413 payload_too_large', async () => {
    const r = await post('/v1/ballots', JSON.stringify({ voteId: 'x', padding: '0'.repeat(CAST_BODY_LIMIT) }));
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('payload_too_large');
  });

  it('sizes the cast limit to the largest padded ballot of the largest vote definition, which still passes the limit', async () => {
    const largest = largestCastBody();
    expect(Buffer.byteLength(largest)).toBeLessThanOrEqual(CAST_BODY_LIMIT);
    expect(CAST_BODY_LIMIT).toBeLessThan(Buffer.byteLength(largest) * 1.1);
    // It reaches validation (no such vote), not the size check.
    const r = await post('/v1/ballots', largest);
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_ballot');
  });

  it('refuses a stroke-order list larger than the largest it takes with 413 payload_too_large, before parsing it', async () => {
    // 1 MiB of names of rare characters (CJK Extension B, 4 bytes each): once accepted, and the
    // answer listed every character (about 16 MB); `npm run bench -- collation` measures it.
    const names = Array.from({ length: 4000 }, (_, i) => '王' + String.fromCodePoint(0x20000 + i).repeat(63));
    const r = await post('/v1/collation/stroke-order', JSON.stringify({ names, convention: 'fullname' }));
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('payload_too_large');
  });

  it('sizes the stroke-order limit so the largest list it accepts, even \\u-escaped, passes it', async () => {
    // MAX_TOTAL_CHARACTERS characters of 4 bytes in UTF-8 over MAX_NAMES names.
    const perName = MAX_TOTAL_CHARACTERS / MAX_NAMES;
    const names = Array.from({ length: MAX_NAMES }, (_, i) => '王' + String.fromCodePoint(0x20000 + (i % 40_000)).repeat(perName - 1));
    const body = JSON.stringify({ names, convention: 'fullname' });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(STROKE_ORDER_BODY_LIMIT);
    // As Python's json.dumps sends it by default (\\uXXXX for every character of the BMP).
    const escaped = JSON.stringify({ names: Array.from({ length: MAX_NAMES }, () => '王'.repeat(perName)) }).replace(
      /[^\x00-\x7f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    expect(Buffer.byteLength(escaped)).toBeLessThanOrEqual(STROKE_ORDER_BODY_LIMIT);
    const r = await post('/v1/collation/stroke-order', escaped);
    expect(r.status).toBe(200);
    expect(r.body.names).toHaveLength(MAX_NAMES);
    const largest = await post('/v1/collation/stroke-order', body);
    expect(largest.status).toBe(200);
  });

  it('refuses a 100 KB body to a route that takes a few fields with 413', async () => {
    const r = await post('/v1/auth/challenge', JSON.stringify({ deviceId: '0'.repeat(100_000) }));
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('payload_too_large');
  });
});

describe('JSON nesting depth', () => {
  it('refuses a deeply nested body with 400 json_too_deep on any POST path, signed in or not', async () => {
    for (const path of ['/v1/ballots', '/v1/auth/challenge', '/v1/enrol', '/v1/committees']) {
      const r = await post(path, nested(5_000));
      expect(r.status, path).toBe(400);
      expect(r.body.code, path).toBe('json_too_deep');
    }
  });

  it('accepts nesting up to the limit and ignores brackets inside strings', async () => {
    const r = await post('/v1/auth/challenge', JSON.stringify({ deviceId: '[[[['.repeat(100) }));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    const deep = await post('/v1/auth/challenge', nested(MAX_JSON_DEPTH));
    expect(deep.body.code).toBe('validation_failed');
    const deeper = await post('/v1/auth/challenge', nested(MAX_JSON_DEPTH + 1));
    expect(deeper.body.code).toBe('json_too_deep');
  });
});
