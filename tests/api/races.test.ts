// Concurrent secretary and member actions must never let the service publish a record that
// fails verification: attendance edited while devices fetch tokens, and roster edits of a
// member recorded present.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, NAMES } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken, requestToken, rng, closeAndPublish } from '../helpers/voting.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import { Api } from '../helpers/client.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService({ env: { PIAOJUE_CRYPTO_THREADS: '2' } });
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

async function verified(voteId: string) {
  const record = (await new Api(service.url).get(`/v1/votes/${voteId}/record`)).body;
  const jwks = (await new Api(service.url).get('/.well-known/jwks.json')).body;
  return verifyRecord(record, { jwks, randomBytes: rng });
}

describe('races between attendance and token issuance', () => {
  it('never issues a token to a member being recorded absent at the same moment', async () => {
    const c = await createCommittee(admin, '并发签到委员会', NAMES.slice(0, 12));
    const sec = c.secretary.api;
    const meetingId = (await sec.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    await sec.post(`/v1/meetings/${meetingId}/open`);
    let present = c.members.map((m) => m.personId);
    await sec.put(`/v1/meetings/${meetingId}/attendance`, { present });
    const vote = (await sec.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body;
    await requestToken(c.members[0]!, vote.id);
    for (const m of c.members.slice(1, 4)) {
      const without = present.filter((id) => id !== m.personId);
      const [token, attendance] = await Promise.all([
        requestToken(m, vote.id),
        new Promise((r) => setTimeout(r, 2)).then(() => sec.put(`/v1/meetings/${meetingId}/attendance`, { present: without })),
      ]);
      // Exactly one of the two wins: a token (and the member stays present) or the absence.
      expect([token.reply.status === 200, attendance.status === 200]).not.toEqual([true, true]);
      if (attendance.status === 200) present = without;
    }
    const absentHolders = await service.ctx.db.query(
      'SELECT i.person_id FROM token_issuances i WHERE i.vote_id = $1 AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.meeting_id = $2 AND a.person_id = i.person_id)',
      [vote.id, meetingId],
    );
    expect(absentHolders).toEqual([]);
    expect((await sec.post(`/v1/votes/${vote.id}/open`)).status).toBe(200);
    expect((await closeAndPublish(c.secretary, c.members, vote.id)).status).toBe(200);
    expect((await verified(vote.id)).checks.filter((x) => !x.ok)).toEqual([]);
  });
});

describe('roster edits of a member recorded present', () => {
  it('refuses to deactivate or disenfranchise a member present at an unclosed meeting', async () => {
    const c = await createCommittee(admin, '在场成员委员会', NAMES.slice(0, 4));
    const sec = c.secretary.api;
    const meetingId = (await sec.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    await sec.post(`/v1/meetings/${meetingId}/open`);
    await sec.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    for (const patch of [{ active: false }, { votingRight: false }]) {
      const r = await admin.api.patch(`/v1/committees/${c.id}/members/${c.members[3]!.personId}`, patch);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('invalid_state');
    }
    // Once recorded absent, the change is allowed, and the next vote's record verifies.
    await sec.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.slice(0, 3).map((m) => m.personId) });
    expect((await admin.api.patch(`/v1/committees/${c.id}/members/${c.members[3]!.personId}`, { active: false })).status).toBe(200);
    const vote = (await sec.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body;
    await sec.post(`/v1/votes/${vote.id}/open`);
    for (const m of c.members.slice(0, 3)) expect((await cast(service.url, await obtainToken(m, vote.definition), approveOnly(vote.definition, ['王一']))).status).toBe(201);
    const closed = await closeAndPublish(c.secretary, c.members, vote.id);
    expect(closed.body.tally).toMatchObject({ entitled: 3, present: 3, issued: 3, returned: 3 });
    expect((await verified(vote.id)).checks.filter((x) => !x.ok)).toEqual([]);
  });
});

describe('run-offs', () => {
  it('creates one run-off per vote even when asked twice at once', async () => {
    const c = await createCommittee(admin, '再次票决委员会', NAMES.slice(0, 5));
    const sec = c.secretary.api;
    const meetingId = (await sec.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    await sec.post(`/v1/meetings/${meetingId}/open`);
    await sec.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    const vote = (await sec.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '副主任', seats: 2, candidates: ['丙三', '甲一', '乙二'] }] })).body;
    await sec.post(`/v1/votes/${vote.id}/open`);
    const plans = [['甲一', '乙二'], ['甲一', '乙二'], ['甲一', '丙三'], ['甲一', '丙三'], ['乙二', '丙三']];
    for (const [i, m] of c.members.entries()) await cast(service.url, await obtainToken(m, vote.definition), approveOnly(vote.definition, plans[i]!));
    await closeAndPublish(c.secretary, c.members, vote.id);
    const replies = await Promise.all([sec.post(`/v1/votes/${vote.id}/runoff`), sec.post(`/v1/votes/${vote.id}/runoff`)]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(replies.find((r) => r.status === 409)!.body.code).toBe('conflict');
  });
});
