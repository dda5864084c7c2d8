// Races a real client could start: many token requests from one member, many casts of one
// token, and a whole committee casting at once. Run on both databases by CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, enrolPerson, meetingWithVote } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken, requestToken, rng, closeAndPublish } from '../helpers/voting.ts';
import { verifyChainLinks } from '../../src/protocol/chain.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

describe('concurrency', () => {
  it('50 parallel token requests from one member yield exactly one token', async () => {
    const { c, def } = await meetingWithVote(admin, `委员会${Math.random().toString(36).slice(2, 6)}`, ['王一', '李二', '张三']);
    const member = c.members[0]!;
    const replies = await Promise.all(Array.from({ length: 50 }, () => requestToken(member, def.voteId)));
    const ok = replies.filter((r) => r.reply.status === 200);
    expect(ok).toHaveLength(1);
    expect(replies.filter((r) => r.reply.status === 409).every((r) => r.reply.body.code === 'token_already_issued')).toBe(true);
    expect(replies.filter((r) => r.reply.status !== 200 && r.reply.status !== 409)).toEqual([]);
    const rows = await service.ctx.db.query('SELECT person_id FROM token_issuances WHERE vote_id = $1', [def.voteId]);
    expect(rows).toEqual([{ person_id: member.personId }]);
    // The same blinded point 20 times at once: one signature, the same for all.
    const same = await Promise.all(Array.from({ length: 20 }, () => requestToken(member, def.voteId, ok[0]!.request)));
    expect(new Set(same.map((r) => r.reply.body.blindSignature))).toEqual(new Set([ok[0]!.reply.body.blindSignature]));
  });

  it('100 parallel casts of one token yield exactly one ballot', async () => {
    const { c, def } = await meetingWithVote(admin, `委员会${Math.random().toString(36).slice(2, 6)}`, ['王一', '李二', '张三']);
    const token = await obtainToken(c.members[0]!, def);
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const yes = approveOnly(def, ['王一']);
    const no = approveOnly(def, []);
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => cast(service.url, token, i % 2 === 0 ? yes : no)));
    const accepted = replies.filter((r) => r.status === 201 || r.status === 200);
    const refused = replies.filter((r) => r.status === 409);
    expect(accepted.length + refused.length).toBe(100);
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    // Every accepted reply carries the one receipt; every refusal is a ballot_conflict.
    expect(new Set(accepted.map((r) => r.body.receipt)).size).toBe(1);
    expect(refused.every((r) => r.body.code === 'ballot_conflict')).toBe(true);
    expect(accepted).toHaveLength(50);
    const rows = await service.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM ballots WHERE vote_id = $1', [def.voteId]);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('200 members casting at once leave one linear chain and exact counts', async () => {
    const n = 200;
    const c = await createCommittee(admin, '全委会', []);
    const members: Session[] = [];
    for (let i = 0; i < n; i++) {
      const m = await admin.api.post(`/v1/committees/${c.id}/members`, { name: `委员${i}` });
      members.push(await enrolPerson(admin, m.body.memberId));
    }
    const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '全体会议' })).body.id;
    const def: VoteDefinition = (
      await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '书记', seats: 1, candidates: ['王一'] }] })
    ).body.definition;
    await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: members.map((m) => m.personId) });
    const tokens = await Promise.all(members.map((m) => obtainToken(m, def)));
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const replies = await Promise.all(tokens.map((t, i) => cast(service.url, t, approveOnly(def, i % 3 === 0 ? [] : ['王一']))));
    expect(replies.map((r) => r.status)).toEqual(Array(n).fill(201));
    const closed = await closeAndPublish(c.secretary, members, def.voteId);
    const approvals = tokens.filter((_, i) => i % 3 !== 0).length;
    expect(closed.body.tally).toMatchObject({ entitled: n, present: n, issued: n, returned: n });
    expect(closed.body.tally.items[0].candidates[0]).toMatchObject({ approve: approvals, disapprove: n - approvals, outcome: 'elected' });
    const chain = await new Api(service.url).get(`/v1/committees/${c.id}/chain`);
    const links = verifyChainLinks(chain.body.entries);
    expect(links.ok).toBe(true);
    expect(chain.body.entries.map((e: { seq: number }) => e.seq)).toEqual(chain.body.entries.map((_: unknown, i: number) => i));
    const record = (await new Api(service.url).get(`/v1/votes/${def.voteId}/record`)).body;
    const jwks = (await new Api(service.url).get('/.well-known/jwks.json')).body;
    expect((await verifyRecord(record, { jwks, randomBytes: rng })).ok).toBe(true);
  }, 240_000);

  it('a cast racing the close is either counted or refused, never lost', async () => {
    const { c, def } = await meetingWithVote(admin, `委员会${Math.random().toString(36).slice(2, 6)}`, ['王一', '李二', '张三', '赵四', '钱五', '孙六']);
    const tokens = await Promise.all(c.members.map((m) => obtainToken(m, def)));
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const casts = tokens.map((t) => cast(service.url, t, approveOnly(def, ['王一'])));
    const closing = c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    const [replies, closed] = await Promise.all([Promise.all(casts), closing]);
    const accepted = replies.filter((r) => r.status === 201).length;
    expect(replies.every((r) => r.status === 201 || (r.status === 409 && r.body.code === 'invalid_state'))).toBe(true);
    expect(closed.body.tally.returned).toBe(accepted);
    const rows = await service.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM ballots WHERE vote_id = $1', [def.voteId]);
    expect(Number(rows[0]!.n)).toBe(accepted);
  });
});
