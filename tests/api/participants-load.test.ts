// Issue 15's scale, in the suite at a small size (the full 3,000 is `npm run bench -- participants`):
// 150 participants holding slips, printed in two batches, all at once spend their codes, take a
// blind token and cast over HTTP; the counts are exact everywhere — slips, credentials, tokens,
// ballots, the published tally — and the verifier passes over the record. No timing here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee } from '../helpers/world.ts';
import { castBallot, closeAndPublish, rng } from '../helpers/voting.ts';
import { obtainSlipToken, redeemSlip } from '../../src/client/participant.ts';
import type { AnyVoteDefinition } from '../../src/protocol/ballot.ts';
import { buildBallot } from '../../src/protocol/member-ballot.ts';
import type { RecommendationItem, RecommendationTally } from '../../src/protocol/shapes.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';

const PARTICIPANTS = 150;
const NAMES = ['王芳', '李强', '张伟', '刘洋', '陈静', '杨帆'];
const MAX_MARKS = 2;

let service: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

/** Participant i marks 0, 1, 2, 1 or 3 names (the last over the limit: 无效), from the (i mod 6)th on. */
function marked(item: RecommendationItem, i: number): string[] {
  const count = [0, 1, 2, 1, 3][i % 5]!;
  return Array.from({ length: count }, (_, k) => item.candidates[(i + k) % item.candidates.length]!.candidateId);
}

describe(`a meeting of ${PARTICIPANTS} participants holding slips, all casting at once`, () => {
  it('issues, redeems, tokens and counts every slip exactly, and the verifier passes over the record', async () => {
    const c = await createCommittee(admin, '民主推荐负载委员会', ['王一', '李二']);
    const inspector = c.members[0]!;
    const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '全县领导干部会议', kind: 'slips', entitled: PARTICIPANTS })).body
      .id as string;
    const created = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: '民主推荐',
      items: [
        {
          shape: 'recommendation',
          post: '县直单位副科级领导职务',
          maxMarks: MAX_MARKS,
          threshold: { comparison: 'more_than', num: 1, den: 2 },
          candidates: NAMES,
        },
      ],
    });
    expect(created.status).toBe(201);
    const def = created.body.definition as AnyVoteDefinition;
    const item = def.items[0] as RecommendationItem;
    expect((await c.secretary.api.post(`/v1/meetings/${meetingId}/open`)).status).toBe(200);

    // Printed in two batches, as a secretary prints for two halls.
    const codes: string[] = [];
    for (const count of [100, PARTICIPANTS - 100]) {
      const printed = await c.secretary.api.post(`/v1/meetings/${meetingId}/slips`, { count });
      expect(printed.status).toBe(201);
      codes.push(...printed.body.slips.map((s: { code: string }) => s.code));
    }
    expect(new Set(codes).size).toBe(PARTICIPANTS);
    expect((await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: [inspector.personId] })).status).toBe(200);
    expect((await c.secretary.api.post(`/v1/votes/${def.voteId}/open`)).status).toBe(200);

    // Every phone at once: spend the code, take a blind token (blinded and checked on the phone), cast.
    const cast = await Promise.all(
      codes.map(async (code, i) => {
        const redeemed = await redeemSlip(new Api(service.url), code);
        expect(redeemed.status).toBe(200);
        const token = await obtainSlipToken(new Api(service.url, redeemed.body.credential), def);
        const picked = marked(item, i);
        const ballot = buildBallot(token, {
          [item.itemId]: Object.fromEntries(item.candidates.map((x) => [x.candidateId, picked.includes(x.candidateId) ? 'recommend' : 'blank'])),
        });
        return (await castBallot(service.url, ballot)).status;
      }),
    );
    expect(cast.filter((s) => s === 201)).toHaveLength(PARTICIPANTS);

    const count = async (sql: string, params: unknown[]) => Number((await service.ctx.db.query<{ n: string | number }>(sql, params))[0]!.n);
    expect(
      await count('SELECT count(*) AS n FROM participation_slips WHERE meeting_id = $1 AND redeemed_at IS NOT NULL AND voided_at IS NULL', [meetingId]),
    ).toBe(PARTICIPANTS);
    expect(await count('SELECT count(*) AS n FROM slip_token_issuances WHERE vote_id = $1', [def.voteId])).toBe(PARTICIPANTS);
    expect(await count('SELECT count(*) AS n FROM ballots WHERE vote_id = $1', [def.voteId])).toBe(PARTICIPANTS);
    expect((await c.secretary.api.get(`/v1/meetings/${meetingId}/slips`)).body).toMatchObject({
      entitled: PARTICIPANTS,
      printed: PARTICIPANTS,
      issued: PARTICIPANTS,
      redeemed: PARTICIPANTS,
      voided: 0,
    });
    expect((await c.secretary.api.get(`/v1/votes/${def.voteId}`)).body.turnout).toEqual({ issued: PARTICIPANTS, returned: PARTICIPANTS });

    const closed = await closeAndPublish(c.secretary, [inspector], def.voteId, {
      inspectors: [inspector],
      unconfirmedReason: '凭条参会者无登记设备，不作确认',
    });
    expect(closed.status).toBe(200);
    expect(closed.body.tally).toMatchObject({ entitled: PARTICIPANTS, present: PARTICIPANTS, issued: PARTICIPANTS, returned: PARTICIPANTS });
    const all = codes.map((_, i) => marked(item, i));
    const valid = all.filter((m) => m.length <= MAX_MARKS);
    const t = closed.body.tally.shaped[0] as RecommendationTally;
    expect({ valid: t.valid, invalid: t.invalid, blank: t.blank }).toEqual({ valid: 120, invalid: 30, blank: 30 });
    expect(t.candidates.map((x) => x.votes)).toEqual(item.candidates.map((x) => valid.filter((m) => m.includes(x.candidateId)).length));

    const anon = new Api(service.url);
    const record = (await anon.get(`/v1/votes/${def.voteId}/record`)).body;
    const report = await verifyRecord(record, { jwks: (await anon.get('/.well-known/jwks.json')).body, randomBytes: rng });
    expect(report.checks.filter((x) => !x.ok)).toEqual([]);
    expect(report.checks.find((x) => x.id === 'participation')?.ok).toBe(true);
    const close = record.entries.at(-1);
    expect(close.body.slipTokens).toHaveLength(PARTICIPANTS);
    expect(close.body.ballots).toHaveLength(PARTICIPANTS);
    // A hang detector, not a speed target: 150 phones' pairings share two loaded cores with the service.
  }, 300_000);
});
