// Concurrent secretary and member actions must never let the service publish a record that
// fails verification: attendance edited while devices fetch tokens (each race held in flight
// at a checkpoint, so it certainly happens), and roster edits of a member recorded present.
import { describe, expect, it } from 'vitest';
import { useTestService } from '../helpers/setup.ts';
import { createCommittee, NAMES } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken, requestToken, rng, closeAndPublish } from '../helpers/voting.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import { Api } from '../helpers/client.ts';
import { blockedOrDone, holdAt } from '../helpers/hold.ts';

const file = useTestService({ env: { PIAOJUE_CRYPTO_THREADS: '2' } });

async function verified(voteId: string) {
  const record = (await new Api(file.service.url).get(`/v1/votes/${voteId}/record`)).body;
  const jwks = (await new Api(file.service.url).get('/.well-known/jwks.json')).body;
  return verifyRecord(record, { jwks, randomBytes: rng });
}

describe('races between attendance and token issuance', () => {
  // Each race is made certain, not likely: one request is held in flight at its checkpoint
  // (tests/helpers/hold.ts) holding the meeting's lock, the other is sent and waits for it.
  it('never issues a token to a member being recorded absent at the same moment', async () => {
    const c = await createCommittee(file.admin, '并发签到委员会', NAMES.slice(0, 12));
    const sec = c.secretary.api;
    const meetingId = (await sec.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    await sec.post(`/v1/meetings/${meetingId}/open`);
    const present = c.members.map((m) => m.personId);
    await sec.put(`/v1/meetings/${meetingId}/attendance`, { present });
    const vote = (await sec.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body;
    await requestToken(c.members[0]!, vote.id);

    // The token is being recorded when the absence arrives: the token is issued, the absence refused.
    const [first, second] = [c.members[1]!, c.members[2]!];
    const issuing = holdAt(file.service.ctx, 'issueToken.locked');
    const token = requestToken(first, vote.id);
    const issuingAt = await issuing.reached;
    const absent = sec.put(`/v1/meetings/${meetingId}/attendance`, { present: present.filter((id) => id !== first.personId) });
    await blockedOrDone(file.service.ctx.db, issuingAt.pid, absent);
    issuing.release();
    expect((await token).reply.status).toBe(200);
    expect((await absent).status).toBe(409);
    expect((await absent).body.code).toBe('invalid_state');

    // The absence is being recorded when the token request arrives: the absence stands, no token.
    const without = present.filter((id) => id !== second.personId);
    const recording = holdAt(file.service.ctx, 'recordAttendance.locked');
    const attendance = sec.put(`/v1/meetings/${meetingId}/attendance`, { present: without });
    const recordingAt = await recording.reached;
    const late = requestToken(second, vote.id);
    await blockedOrDone(file.service.ctx.db, recordingAt.pid, late);
    recording.release();
    expect((await attendance).status).toBe(200);
    expect((await late).reply.status).toBe(403);
    expect((await late).reply.body.code).toBe('not_eligible');

    const absentHolders = await file.service.ctx.db.query(
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
    const c = await createCommittee(file.admin, '在场成员委员会', NAMES.slice(0, 4));
    const sec = c.secretary.api;
    const meetingId = (await sec.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    await sec.post(`/v1/meetings/${meetingId}/open`);
    await sec.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    for (const patch of [{ active: false }, { votingRight: false }]) {
      const r = await file.admin.api.patch(`/v1/committees/${c.id}/members/${c.members[3]!.personId}`, patch);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('invalid_state');
    }
    // Once recorded absent, the change is allowed, and the next vote's record verifies.
    await sec.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.slice(0, 3).map((m) => m.personId) });
    expect((await file.admin.api.patch(`/v1/committees/${c.id}/members/${c.members[3]!.personId}`, { active: false })).status).toBe(200);
    const vote = (await sec.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body;
    await sec.post(`/v1/votes/${vote.id}/open`);
    for (const m of c.members.slice(0, 3))
      expect((await cast(file.service.url, await obtainToken(m, vote.definition), approveOnly(vote.definition, ['王一']))).status).toBe(201);
    const closed = await closeAndPublish(c.secretary, c.members, vote.id);
    expect(closed.body.tally).toMatchObject({ entitled: 3, present: 3, issued: 3, returned: 3 });
    expect((await verified(vote.id)).checks.filter((x) => !x.ok)).toEqual([]);
  });
});

describe('run-offs', () => {
  it('creates one run-off per vote even when asked twice at once', async () => {
    const c = await createCommittee(file.admin, '再次票决委员会', NAMES.slice(0, 5));
    const sec = c.secretary.api;
    const meetingId = (await sec.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    await sec.post(`/v1/meetings/${meetingId}/open`);
    await sec.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    const vote = (
      await sec.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '副主任', seats: 2, candidates: ['丙三', '甲一', '乙二'] }] })
    ).body;
    await sec.post(`/v1/votes/${vote.id}/open`);
    const plans = [
      ['甲一', '乙二'],
      ['甲一', '乙二'],
      ['甲一', '丙三'],
      ['甲一', '丙三'],
      ['乙二', '丙三'],
    ];
    for (const [i, m] of c.members.entries()) await cast(file.service.url, await obtainToken(m, vote.definition), approveOnly(vote.definition, plans[i]!));
    await closeAndPublish(c.secretary, c.members, vote.id);
    const replies = await Promise.all([sec.post(`/v1/votes/${vote.id}/runoff`), sec.post(`/v1/votes/${vote.id}/runoff`)]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(replies.find((r) => r.status === 409)!.body.code).toBe('conflict');
  });
});
