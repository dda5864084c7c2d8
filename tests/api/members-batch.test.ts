// Setting up a large committee: many members in one request, one roster entry for them all,
// all or nothing; and a meeting of more than a thousand recorded present.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee } from '../helpers/world.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

const rosterEntries = async (committeeId: string) =>
  ((await new Api(service.url).get(`/v1/committees/${committeeId}/chain`)).body.entries as { kind: string; body: { members: unknown[] } }[]).filter(
    (e) => e.kind === 'roster.changed',
  );

describe('adding members in one request', () => {
  it('adds them all with one roster entry, and the meeting records 1,200 present', async () => {
    const c = await createCommittee(admin, '全县领导干部会议', []);
    const before = (await rosterEntries(c.id)).length;
    const names = Array.from({ length: 1200 }, (_, i) => ({ name: `干部${i + 1}` }));
    const r = await admin.api.post(`/v1/committees/${c.id}/members/batch`, { members: names });
    expect(r.status).toBe(201);
    expect(r.body.members).toHaveLength(1200);
    const roster = await rosterEntries(c.id);
    expect(roster.length).toBe(before + 1);
    expect(roster.at(-1)!.body.members).toHaveLength(1200);
    const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '推荐大会' })).body.id;
    const present = r.body.members.map((m: { memberId: string }) => m.memberId);
    const attendance = await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present });
    expect(attendance.status).toBe(200);
    expect(attendance.body).toMatchObject({ entitled: 1200, present: 1200 });
  });

  it('refuses the whole list when one person is named twice or is already a member, naming the entry, and adds nobody', async () => {
    const c = await createCommittee(admin, '重复名单委员会', ['王一']);
    const existing = c.members[0]!.personId;
    const before = (await new Api(service.url, admin.token).get(`/v1/committees/${c.id}/members`)).body.members.length;
    const already = await admin.api.post(`/v1/committees/${c.id}/members/batch`, { members: [{ name: '李二' }, { personId: existing }] });
    expect(already.status).toBe(409);
    expect(already.body).toMatchObject({ code: 'conflict', field: 'members.1.personId' });
    const person = (await admin.api.post(`/v1/committees/${c.id}/members/batch`, { members: [{ name: '张三' }] })).body.members[0].memberId;
    const twice = await admin.api.post(`/v1/committees/${c.id}/members/batch`, { members: [{ name: '赵四' }, { personId: person }, { personId: person }] });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'conflict', field: 'members.1.personId' });
    expect((await admin.api.get(`/v1/committees/${c.id}/members`)).body.members.length).toBe(before + 1);
  });

  it('refuses more than 3,000 members, and more than 3,000 present, with 400 validation_failed', async () => {
    const c = await createCommittee(admin, '超限委员会', ['王一']);
    const many = await admin.api.post(`/v1/committees/${c.id}/members/batch`, { members: Array.from({ length: 3001 }, (_, i) => ({ name: `人${i}` })) });
    expect([many.status, many.body.code]).toEqual([400, 'validation_failed']);
    const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    const present = await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: Array.from({ length: 3001 }, () => randomUUID()) });
    expect([present.status, present.body.code]).toEqual([400, 'validation_failed']);
  });
});
