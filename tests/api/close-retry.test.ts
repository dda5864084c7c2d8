// Closing a vote is idempotent: a close sent again — because its answer was lost on the way,
// or by a second device at the same moment — gets the same answer (the same tally and prepared
// close), and the record, once published, holds one vote.closed entry.
import { describe, expect, it } from 'vitest';
import { useTestService } from '../helpers/setup.ts';
import { meetingWithVote } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken } from '../helpers/voting.ts';

const file = useTestService();

const closedEntries = async (committeeId: string) =>
  (await file.service.ctx.db.query("SELECT 1 FROM chain_entries WHERE committee_id = $1 AND kind = 'vote.closed'", [committeeId])).length;

describe('closing a vote again', () => {
  it('answers a repeated close with the same tally instead of a conflict', async () => {
    const { c, def } = await meetingWithVote(file.admin, '重发关闭委员会', ['王一', '李二', '张三']);
    const tokens = [await obtainToken(c.members[0]!, def), await obtainToken(c.members[1]!, def)];
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    for (const t of tokens) expect((await cast(file.service.url, t, approveOnly(def, ['王一']))).status).toBe(201);
    const first = await c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    expect(first.status).toBe(200);
    expect(first.body.vote.state).toBe('confirming');
    const again = await c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // Prepared, not published: members confirm and inspectors countersign first.
    expect(await closedEntries(c.id)).toBe(0);
    await closeAndPublish(c.secretary, c.members, def.voteId);
    const afterPublication = await c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    expect(afterPublication.status).toBe(200);
    expect(afterPublication.body).toMatchObject({
      vote: { state: 'closed' },
      tally: first.body.tally,
      tallySignature: first.body.tallySignature,
      preparedHash: first.body.preparedHash,
    });
    expect(await closedEntries(c.id)).toBe(1);
  });

  it('gives two closes sent at once the same answer and one record entry', async () => {
    const { c, def } = await meetingWithVote(file.admin, '同时关闭委员会', ['王一', '李二', '张三']);
    await obtainToken(c.members[0]!, def);
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const [a, b] = await Promise.all([c.secretary.api.post(`/v1/votes/${def.voteId}/close`), c.secretary.api.post(`/v1/votes/${def.voteId}/close`)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body).toEqual(a.body);
    await closeAndPublish(c.secretary, c.members, def.voteId);
    expect(await closedEntries(c.id)).toBe(1);
  });

  it('still refuses to close a vote that was never opened', async () => {
    const { c, def } = await meetingWithVote(file.admin, '草稿关闭委员会', ['王一', '李二', '张三']);
    const r = await c.secretary.api.post(`/v1/votes/${def.voteId}/close`);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('invalid_state');
  });
});
