// Paths that lock the same meeting and vote take their locks in one global order (see
// src/db/locks.ts), so no pair of them can deadlock, and state changes that exclude each other
// are serialised. Each test holds one request in flight at its midpoint — between two of its
// lock acquisitions — while the other runs, then lets it go. On PostgreSQL the second service
// instance has a connection pool of its own, as a second process would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote } from '../helpers/world.ts';
import { requestToken } from '../helpers/voting.ts';
import { blockedOrDone, holdAt } from '../helpers/hold.ts';

let service: TestService;
let second: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService();
  second = await startTestService({ sameDatabaseAs: service });
  admin = await adminSession(service);
});
afterAll(async () => {
  await second?.close();
  await service?.close();
});

const committee = () => `锁序委员会${Math.random().toString(36).slice(2, 6)}`;

describe('token issuance against the close of its vote', () => {
  it('a close arriving while a token is being recorded waits for it and counts it', async () => {
    const { c, def } = await meetingWithVote(admin, committee(), ['王一', '李二', '张三']);
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const hold = holdAt(service.ctx, 'issueToken.locked');
    const token = requestToken(c.members[0]!, def.voteId);
    const { pid } = await hold.reached;
    const close = c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    await blockedOrDone(service.ctx.db, pid, close);
    hold.release();
    const [t, closed] = await Promise.all([token, close]);
    expect(t.reply.status).toBe(200);
    expect(closed.status).toBe(200);
    expect(closed.body.tally).toMatchObject({ issued: 1, returned: 0 });
  });

  it('a token request arriving while the close takes its locks waits and is refused as closed', async () => {
    const { c, def } = await meetingWithVote(admin, committee(), ['王一', '李二', '张三']);
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const hold = holdAt(service.ctx, 'closeVote.locking');
    const close = c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    const { pid } = await hold.reached;
    const token = requestToken(c.members[0]!, def.voteId);
    await blockedOrDone(service.ctx.db, pid, token);
    hold.release();
    const [closed, t] = await Promise.all([close, token]);
    expect(closed.status).toBe(200);
    expect(closed.body.tally).toMatchObject({ issued: 0 });
    expect(t.reply.status).toBe(409);
    expect(t.reply.body.code).toBe('invalid_state');
  });
});

describe('opening a vote against closing its meeting, on two instances', () => {
  it('a meeting close arriving at the second instance while a vote is being opened waits and is refused', async () => {
    const { c, meetingId, def } = await meetingWithVote(admin, committee(), ['王一', '李二', '张三']);
    const hold = holdAt(service.ctx, 'openVote.checked');
    const open = c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const { pid } = await hold.reached;
    const close = new Api(second.url, c.secretary.token).post(`/v1/meetings/${meetingId}/close`);
    await blockedOrDone(service.ctx.db, pid, close);
    hold.release();
    const [opened, closed] = await Promise.all([open, close]);
    expect(opened.status).toBe(200);
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('invalid_state');
    expect((await c.secretary.api.get(`/v1/meetings/${meetingId}`)).body.state).toBe('open');
  });

  it('a vote opening arriving at the second instance while the meeting is being closed waits and is refused', async () => {
    const { c, meetingId, def } = await meetingWithVote(admin, committee(), ['王一', '李二', '张三']);
    const hold = holdAt(service.ctx, 'closeMeeting.checked');
    const close = c.secretary.api.post(`/v1/meetings/${meetingId}/close`);
    const { pid } = await hold.reached;
    const open = new Api(second.url, c.secretary.token).post(`/v1/votes/${def.voteId}/open`);
    await blockedOrDone(service.ctx.db, pid, open);
    hold.release();
    const [closed, opened] = await Promise.all([close, open]);
    expect(closed.status).toBe(200);
    expect(opened.status).toBe(409);
    expect(opened.body.code).toBe('invalid_state');
    expect((await c.secretary.api.get(`/v1/votes/${def.voteId}`)).body.state).toBe('draft');
  });
});

describe('roster changes beside other appends to the committee’s chain', () => {
  it('adding members while enrolment codes are issued for others never deadlocks: every request succeeds', async () => {
    const c = (await admin.api.post('/v1/committees', { name: committee(), kind: 'standing' })).body;
    const first = await Promise.all(['甲', '乙', '丙', '丁'].map((n) => admin.api.post(`/v1/committees/${c.id}/members`, { name: `${n}委员` })));
    expect(first.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    // Roster changes lock the committee row; an enrolment code appends to the chain first and
    // then its entry's foreign key reads the committee row. Both, at once, many times.
    for (let round = 0; round < 5; round++) {
      const replies = await Promise.all([
        ...first.map((m) => new Api(second.url, admin.token).post(`/v1/people/${m.body.memberId}/enrolment-codes`)),
        ...['戊', '己', '庚'].map((n) => admin.api.post(`/v1/committees/${c.id}/members`, { name: `${n}${round}委员` })),
      ]);
      expect(replies.map((r) => (r.status === 201 ? 201 : `${r.status} ${r.body.code}`))).toEqual(Array(7).fill(201));
    }
  });
});
