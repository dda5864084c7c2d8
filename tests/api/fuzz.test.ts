// Whatever a client sends, the answer is a coded 4xx (or a success), never a 5xx: arbitrary
// JSON bodies, hostile path parameters and query strings on every route of openapi.yaml, as an
// administrator, a secretary, a member and anonymously. Strings carrying NUL, other control
// characters, lone surrogates or Unicode non-characters are refused with 400 in every field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import { specRoutes } from '../helpers/openapi.ts';

let service: TestService;
let admin: Session;
let c: CommitteeFixture;
let ids: Record<string, string>;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
  c = await createCommittee(admin, '模糊测试委员会', ['王一', '李二', '张三']);
  const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
  const vote = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] });
  ids = {
    committeeId: c.id,
    meetingId,
    voteId: vote.body.id,
    personId: c.members[0]!.personId,
    memberId: c.members[1]!.personId,
    deviceId: c.members[2]!.deviceId,
  };
});
afterAll(async () => service?.close());

/** A character no field may carry (see src/http/text.ts). */
const forbiddenChar = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u001B',
  '\u007F',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '\uFDD0',
  '\uFDEF',
  '\uFFFE',
  '\uFFFF',
  '\u{1FFFE}',
  '\u{10FFFF}',
);
/** Any code point (lone surrogates included) or a forbidden one. */
const anyUnit = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((n) => String.fromCharCode(n)),
  forbiddenChar,
);
/** A string that carries at least one forbidden character, somewhere. */
const tainted = fc.tuple(fc.string({ maxLength: 6 }), forbiddenChar, fc.string({ maxLength: 6 })).map(([a, bad, b]) => a + bad + b);

const hostile = ['x', '0', '-1', '%00', '..%2F..', '00000000-0000-0000-0000-000000000000', "1' OR '1'='1", 'ＡＢＣ', '😀', 'a'.repeat(300)];

async function send(session: Session | undefined, method: string, path: string, body: unknown, rawBody?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (session) headers.authorization = `Bearer ${session.token}`;
  const res = await fetch(service.url + path, {
    method: method.toUpperCase(),
    headers,
    body: method === 'get' ? undefined : (rawBody ?? JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, text };
}

describe('no input gives a 5xx', () => {
  const routes = () => specRoutes().map((r) => r.split(' ') as [string, string]);

  it('on arbitrary JSON bodies for every route and role', async () => {
    const who = () => [admin, c.secretary, c.members[0]!, undefined] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.jsonValue({ maxDepth: 3, stringUnit: anyUnit }),
        async (routeIndex, whoIndex, body) => {
          const all = routes();
          const [method, template] = all[routeIndex % all.length]!;
          if (method === 'post' && template.endsWith('/revoke')) return; // would revoke the fixture's devices
          const path = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
          const r = await send(who()[whoIndex], method, path, body);
          expect({ route: `${method} ${template}`, status: r.status < 500 ? 'ok' : r.text }).toEqual({ route: `${method} ${template}`, status: 'ok' });
          expect(r.text).not.toMatch(/\bat [\w.]+ \(|node_modules|\.ts:\d+/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a forbidden character in any string field of a well-formed body with 400', async () => {
    // Bodies that would succeed but for one tainted string, in each place a string goes.
    const cases: { who: () => Session; method: string; path: () => string; body: (s: string) => unknown; field: string }[] = [
      { who: () => admin, method: 'post', path: () => '/v1/committees', body: (s) => ({ name: s, kind: 'standing' }), field: 'name' },
      { who: () => admin, method: 'post', path: () => `/v1/committees/${c.id}/members`, body: (s) => ({ name: s }), field: 'name' },
      { who: () => admin, method: 'post', path: () => `/v1/committees/${c.id}/secretaries`, body: (s) => ({ name: s }), field: 'name' },
      { who: () => c.secretary, method: 'post', path: () => `/v1/committees/${c.id}/meetings`, body: (s) => ({ title: s }), field: 'title' },
      {
        who: () => c.secretary,
        method: 'post',
        path: () => `/v1/meetings/${ids.meetingId}/votes`,
        body: (s) => ({ title: s, items: [{ post: '局长', seats: 1, candidates: ['王一'] }] }),
        field: 'title',
      },
      {
        who: () => c.secretary,
        method: 'post',
        path: () => `/v1/meetings/${ids.meetingId}/votes`,
        body: (s) => ({ title: '表决', items: [{ post: s, seats: 1, candidates: ['王一'] }] }),
        field: 'items.0.post',
      },
      {
        who: () => c.secretary,
        method: 'post',
        path: () => `/v1/meetings/${ids.meetingId}/votes`,
        body: (s) => ({ title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一', s] }] }),
        field: 'items.0.candidates.1',
      },
      { who: () => c.secretary, method: 'post', path: () => '/v1/collation/stroke-order', body: (s) => ({ names: ['王一', s] }), field: 'names.1' },
    ];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: cases.length - 1 }), tainted, async (i, s) => {
        const k = cases[i]!;
        const r = await send(k.who(), k.method, k.path(), k.body(s));
        const body = JSON.parse(r.text);
        expect({ case: i, status: r.status, code: body.code, field: body.field }).toEqual({ case: i, status: 400, code: 'validation_failed', field: k.field });
      }),
      { numRuns: 120 },
    );
  });

  it('refuses a forbidden character in an object key, in a ballot and in a query string', async () => {
    const key = await send(admin, 'post', '/v1/committees', { name: '委员会', kind: 'standing', ['x\u0000']: 1 });
    expect([key.status, JSON.parse(key.text).code]).toEqual([400, 'validation_failed']);
    const ballot = await send(undefined, 'post', '/v1/ballots', { voteId: ids.voteId, t: '\uD800' });
    expect([ballot.status, JSON.parse(ballot.text).code, JSON.parse(ballot.text).field]).toEqual([400, 'validation_failed', 't']);
    const query = await send(admin, 'get', `/v1/committees/${c.id}/chain?from=%00`, undefined);
    expect([query.status, JSON.parse(query.text).field]).toEqual([400, 'from']);
  });

  it('on hostile path parameters and query strings', async () => {
    for (const [method, template] of routes()) {
      for (const bad of hostile) {
        const path = template.replace(/\{(\w+)\}/g, () => encodeURIComponent(bad)) + `?from=${encodeURIComponent(bad)}&to=${encodeURIComponent(bad)}`;
        const r = await send(admin, method, path, {});
        expect({ route: `${method} ${template}`, bad, status: r.status < 500 }).toEqual({ route: `${method} ${template}`, bad, status: true });
      }
    }
  });

  it('on bodies that are not JSON at all', async () => {
    for (const raw of ['', '{', '[1,', 'null', '"x"', '\u0000', '{"a":1}{"b":2}', '{"__proto__":{"isAdmin":true}}', '9'.repeat(400)]) {
      for (const [method, template] of routes()) {
        if (method === 'get') continue;
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
        if (path.endsWith('/revoke')) continue;
        const r = await send(c.secretary, method, path, undefined, raw);
        expect({ route: `${method} ${template}`, raw: raw.slice(0, 20), ok: r.status < 500 }).toEqual({
          route: `${method} ${template}`,
          raw: raw.slice(0, 20),
          ok: true,
        });
      }
    }
    // __proto__ in a body grants nothing.
    expect((await c.secretary.api.get('/v1/me')).body.isAdmin).toBe(false);
  });
});
