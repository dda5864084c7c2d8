// A small world for API tests: an administrator, and committees each with a secretary and
// members, every person enrolled with a device and logged in.
import { Api, enrolAndLogin, type Session } from './client.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';
import type { CandidateInput } from '../../src/votes/service.ts';
import type { TestService } from './service.ts';

export interface CommitteeFixture {
  id: string;
  secretary: Session;
  members: Session[];
}

export async function enrolPerson(admin: Session, personId: string): Promise<Session> {
  const code = await admin.api.post(`/v1/people/${personId}/enrolment-codes`);
  if (code.status !== 201) throw new Error(`code failed: ${code.status} ${JSON.stringify(code.body)}`);
  return enrolAndLogin(admin.api.as(undefined), code.body.code);
}

/**
 * A public committee unless asked otherwise: most tests read its record as an anonymous
 * observer would (a committee created without `visibility` is restricted).
 */
export async function createCommittee(
  admin: Session,
  name: string,
  memberNames: string[],
  rules?: unknown,
  visibility: 'public' | 'restricted' = 'public',
): Promise<CommitteeFixture> {
  const c = await admin.api.post('/v1/committees', { name, kind: 'standing', visibility, ...(rules ? { rules } : {}) });
  if (c.status !== 201) throw new Error(`committee failed: ${c.status} ${JSON.stringify(c.body)}`);
  const sec = await admin.api.post(`/v1/committees/${c.body.id}/secretaries`, { name: `${name}秘书` });
  const secretary = await enrolPerson(admin, sec.body.personId);
  const members: Session[] = [];
  for (const memberName of memberNames) {
    const m = await admin.api.post(`/v1/committees/${c.body.id}/members`, { name: memberName });
    if (m.status !== 201) throw new Error(`member failed: ${m.status} ${JSON.stringify(m.body)}`);
    members.push(await enrolPerson(admin, m.body.memberId));
  }
  return { id: c.body.id, secretary, members };
}

export async function adminSession(service: TestService): Promise<Session> {
  return enrolAndLogin(new Api(service.url), service.adminCode);
}

export const NAMES = [
  '王毅',
  '李强',
  '赵乐际',
  '王沪宁',
  '蔡奇',
  '丁薛祥',
  '李希',
  '马兴瑞',
  '王小洪',
  '尹力',
  '石泰峰',
  '刘国中',
  '李干杰',
  '李书磊',
  '何卫东',
  '何立峰',
  '张又侠',
  '张国清',
  '陈文清',
  '陈吉宁',
];

/**
 * A committee of `memberNames` with an open meeting, every member recorded present, and one
 * vote in draft (one 等额 item by default).
 */
export async function meetingWithVote(
  admin: Session,
  name: string,
  memberNames: string[],
  items: { post: string; seats: number; candidates: CandidateInput[] }[] = [{ post: '局长', seats: 1, candidates: ['王一'] }],
): Promise<{ c: CommitteeFixture; meetingId: string; def: VoteDefinition }> {
  const c = await createCommittee(admin, name, memberNames);
  const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
  const def: VoteDefinition = (await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items })).body.definition;
  await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
  await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
  return { c, meetingId, def };
}
