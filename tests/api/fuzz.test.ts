// Whatever a client sends, the answer is a coded 4xx (or a success), never a 5xx: arbitrary
// JSON bodies, hostile path parameters and query strings on every route of openapi.yaml, as an
// administrator, a secretary, a member and anonymously.
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
  ids = { committeeId: c.id, meetingId, voteId: vote.body.id, personId: c.members[0]!.personId, memberId: c.members[1]!.personId, deviceId: c.members[2]!.deviceId };
});
afterAll(async () => service?.close());

const hostile = ['x', '0', '-1', '%00', '..%2F..', '00000000-0000-0000-0000-000000000000', "1' OR '1'='1", 'ＡＢＣ', '😀', 'a'.repeat(300)];

async function send(session: Session | undefined, method: string, path: string, body: unknown, rawBody?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (session) headers.authorization = `Bearer ${session.token}`;
  const res = await fetch(service.url + path, { method: method.toUpperCase(), headers, body: method === 'get' ? undefined : (rawBody ?? JSON.stringify(body)) });
  const text = await res.text();
  return { status: res.status, text };
}

describe('no input gives a 5xx', () => {
  const routes = () => specRoutes().map((r) => r.split(' ') as [string, string]);

  it('on arbitrary JSON bodies for every route and role', async () => {
    const who = () => [admin, c.secretary, c.members[0]!, undefined] as const;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 3 }), fc.jsonValue({ maxDepth: 3 }), async (routeIndex, whoIndex, body) => {
        const all = routes();
        const [method, template] = all[routeIndex % all.length]!;
        if (method === 'post' && template.endsWith('/revoke')) return; // would revoke the fixture's devices
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
        const r = await send(who()[whoIndex], method, path, body);
        expect({ route: `${method} ${template}`, status: r.status < 500 ? 'ok' : r.text }).toEqual({ route: `${method} ${template}`, status: 'ok' });
        expect(r.text).not.toMatch(/\bat [\w.]+ \(|node_modules|\.ts:\d+/);
      }),
      { numRuns: 300 },
    );
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
        expect({ route: `${method} ${template}`, raw: raw.slice(0, 20), ok: r.status < 500 }).toEqual({ route: `${method} ${template}`, raw: raw.slice(0, 20), ok: true });
      }
    }
    // __proto__ in a body grants nothing.
    expect((await c.secretary.api.get('/v1/me')).body.isAdmin).toBe(false);
  });
});
