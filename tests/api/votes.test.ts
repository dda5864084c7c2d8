import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, NAMES, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, castBallot, obtainToken, requestToken, closeAndPublish } from '../helpers/voting.ts';
import { createTokenRequest, findBallotInRecord, checkReceipt, buildBallot } from '../../src/protocol/member-ballot.ts';
import { ballotHash } from '../../src/protocol/ballot.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import { rng } from '../helpers/voting.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';

let service: TestService;
let admin: Session;
let c: CommitteeFixture;
let meetingId: string;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
  c = await createCommittee(admin, '县委常委会', NAMES.slice(0, 11));
  meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '第12次常委会' })).body.id;
});
afterAll(async () => service?.close());

const ITEMS = [
  { post: '县财政局局长', seats: 1, candidates: ['王小洪'] },
  { post: '县委办公室副主任', seats: 2, candidates: ['李干杰', '万立骏', '于伟国'] },
];

describe('creating votes', () => {
  it('stores candidates in surname stroke order and puts the key in the record', async () => {
    const r = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '干部任免表决', items: ITEMS });
    expect(r.status).toBe(201);
    const def: VoteDefinition = r.body.definition;
    expect(def.items[1]!.candidates.map((x) => x.name)).toEqual(['于伟国', '万立骏', '李干杰']);
    expect(def).toMatchObject({ entitled: 11, marks: ['approve', 'disapprove', 'abstain'], rules: { majorityBase: 'entitled' } });
    // A draft is not in the record: its vote.created entry is appended when it opens (issue 12).
    expect(r.body.createdSeq).toBeNull();
    const chain = await new Api(service.url).get(`/v1/committees/${c.id}/chain`);
    expect(chain.body.entries.filter((e: { kind: string }) => e.kind === 'vote.created')).toEqual([]);
  });

  it('refuses a differential item below the 1 : 1.5 ratio', async () => {
    const two = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: 'x',
      items: [{ post: '副县长', seats: 1, candidates: ['甲一', '甲一'] }],
    });
    expect(two.status).toBe(400);
    expect(two.body).toMatchObject({ code: 'validation_failed', field: 'items.0.candidates' });
    const three = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: 'x',
      items: [{ post: '副县长', seats: 3, candidates: ['甲一', '乙二', '丙三', '丁四'] }],
    });
    expect(three.status).toBe(422);
    expect(three.body).toMatchObject({ code: 'candidate_ratio_too_low', field: 'items.0.candidates' });
  });

  it('refuses the roster to change while a vote is not closed', async () => {
    const r = await admin.api.post(`/v1/committees/${c.id}/members`, { name: '新委员' });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('invalid_state');
  });
});

describe('a whole vote over HTTP', () => {
  let def: VoteDefinition;
  let voteId: string;
  let firstRequest: import('../../src/protocol/member-ballot.ts').TokenRequest;
  const present = () => c.members.slice(0, 9);

  beforeAll(async () => {
    const votes = await c.secretary.api.get(`/v1/meetings/${meetingId}/votes`);
    def = votes.body.votes[0].definition;
    voteId = def.voteId;
  });

  it('refuses a token before attendance, and opening without quorum', async () => {
    const { reply } = await requestToken(c.members[0]!, voteId);
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('not_eligible');
    await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.slice(0, 7).map((m) => m.personId) });
    const open = await c.secretary.api.post(`/v1/votes/${voteId}/open`);
    expect(open.status).toBe(409);
    expect(open.body).toMatchObject({ code: 'quorum_not_met', present: 7, quorumRequired: 8 });
  });

  it('issues one token per present member, idempotently, before the vote opens', async () => {
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: present().map((m) => m.personId) });
    const member = c.members[0]!;
    const first = await requestToken(member, voteId);
    expect(first.reply.status).toBe(200);
    firstRequest = first.request;
    const again = await requestToken(member, voteId, first.request);
    expect(again.reply.body.blindSignature).toBe(first.reply.body.blindSignature);
    const other = await requestToken(member, voteId);
    expect(other.reply.status).toBe(409);
    expect(other.reply.body.code).toBe('token_already_issued');
    const absent = await requestToken(c.members[10]!, voteId);
    expect(absent.reply.body.code).toBe('not_eligible');
    const secretary = await requestToken(c.secretary, voteId);
    expect(secretary.reply.body.code).toBe('not_eligible');
  });

  it('refuses the identity and off-curve points, and a bad device signature, signing nothing', async () => {
    const member = c.members[1]!;
    const identity = 'wA' + 'A'.repeat(62);
    const sig = await member.device.sign((await import('../../src/protocol/device-key.ts')).tokenRequestMessage(voteId, identity));
    const r = await member.api.post(`/v1/votes/${voteId}/tokens`, { blindedPoint: identity, deviceSignature: sig });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_point');
    const junk = 'g' + 'A'.repeat(63);
    const sig2 = await member.device.sign((await import('../../src/protocol/device-key.ts')).tokenRequestMessage(voteId, junk));
    expect((await member.api.post(`/v1/votes/${voteId}/tokens`, { blindedPoint: junk, deviceSignature: sig2 })).body.code).toBe('invalid_point');
    const req = createTokenRequest(voteId, rng);
    const forged = await member.api.post(`/v1/votes/${voteId}/tokens`, { blindedPoint: req.blindedPoint, deviceSignature: sig });
    expect(forged.status).toBe(422);
    expect(forged.body).toMatchObject({ code: 'invalid_signature', field: 'deviceSignature' });
    const status = await new Api(service.url).get(`/v1/votes/${voteId}/status`);
    expect(status.body.turnout.issued).toBe(1);
  });

  it('runs the vote: casts anonymously, refuses bad ballots, tallies at close, publishes a record that verifies', async () => {
    const { finishToken } = await import('../../src/protocol/member-ballot.ts');
    const tokens = [];
    // Member 0 retries with the request it stored before sending (the answer was "lost").
    const retry = await requestToken(present()[0]!, voteId, firstRequest);
    tokens.push(finishToken(firstRequest, retry.reply.body.blindSignature, def.publicKey));
    for (const m of present().slice(1)) tokens.push(await obtainToken(m, def));
    const early = await cast(service.url, tokens[0]!, approveOnly(def, ['王小洪', '于伟国']));
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('invalid_state');
    expect((await c.secretary.api.post(`/v1/votes/${voteId}/open`)).body.state).toBe('open');

    // 王小洪: 7 approve → elected (7 > 11/2). Differential: 于伟国 8, 万立骏 6, 李干杰 1 (+ one over-marked ballot).
    const plans = [
      ['王小洪', '于伟国', '万立骏'],
      ['王小洪', '于伟国', '万立骏'],
      ['王小洪', '于伟国', '万立骏'],
      ['王小洪', '于伟国', '万立骏'],
      ['王小洪', '于伟国', '万立骏'],
      ['王小洪', '于伟国', '万立骏'],
      ['王小洪', '于伟国', '李干杰'],
      ['于伟国', '万立骏', '李干杰'], // over-marked: 3 approvals for 2 seats → 无效 for that item
    ];
    const receipts: { hash: string; receipt: string }[] = [];
    for (const [i, plan] of plans.entries()) {
      const r = await cast(service.url, tokens[i]!, approveOnly(def, plan));
      expect(r.status).toBe(201);
      // The connection that carried a ballot is not reused for anything else.
      expect(r.headers.get('connection')).toBe('close');
      receipts.push({ hash: r.body.ballotHash, receipt: r.body.receipt });
    }
    // The identical ballot again: the identical receipt. Other content: 409, nothing changed.
    const same = await cast(service.url, tokens[0]!, approveOnly(def, plans[0]!));
    expect(same.status).toBe(200);
    expect(same.body.receipt).toBe(receipts[0]!.receipt);
    const changed = await cast(service.url, tokens[0]!, approveOnly(def, ['于伟国']));
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('ballot_conflict');

    // Refused without spending the token.
    const last = tokens[8]!;
    const bad = [
      [{ ...approveOnly(def, []), i9: {} }, 'invalid_ballot'],
      [{ i1: approveOnly(def, [])['i1'] }, 'invalid_ballot'],
      [{ ...approveOnly(def, []), i1: { c1: 'maybe' } }, 'invalid_ballot'],
      [{ ...approveOnly(def, []), i1: { c1: 'defer' } }, 'invalid_ballot'],
    ] as const;
    for (const [choices, code] of bad) {
      const r = await castBallot(service.url, buildBallot(last, choices as never));
      expect(r.status).toBe(422);
      expect(r.body.code).toBe(code);
    }
    const unknownVote = await new Api(service.url).post('/v1/ballots', {
      ...buildBallot(last, approveOnly(def, [])),
      voteId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknownVote.status).toBe(422);
    expect(unknownVote.body).toMatchObject({ code: 'invalid_ballot', field: 'voteId' });
    const forged = await castBallot(service.url, { ...buildBallot(last, approveOnly(def, [])), signature: tokens[0]!.signature });
    expect(forged.status).toBe(422);
    expect(forged.body.code).toBe('invalid_signature');
    const withAuth = await new Api(service.url, c.members[8]!.token).post('/v1/ballots', buildBallot(last, approveOnly(def, [])));
    expect(withAuth.status).toBe(400);
    expect(withAuth.body.code).toBe('credentials_not_allowed');
    const withCookie = await new Api(service.url).req('POST', '/v1/ballots', buildBallot(last, approveOnly(def, [])), { headers: { cookie: 'a=b' } });
    expect(withCookie.body.code).toBe('credentials_not_allowed');
    // None of those refusals spent the token: it still casts, once (all 弃权).
    const abstainAll = Object.fromEntries(
      def.items.map((it) => [it.itemId, Object.fromEntries(it.candidates.map((x) => [x.candidateId, 'abstain' as const]))]),
    );
    expect((await cast(service.url, last, abstainAll)).status).toBe(201);

    // While open: status shows turnout and head only; tally and record are not published.
    const status = await new Api(service.url).get(`/v1/votes/${voteId}/status`);
    expect(status.body).toMatchObject({ state: 'open', turnout: { issued: 9, returned: 9 } });
    expect(Object.keys(status.body).sort()).toEqual(['head', 'state', 'turnout', 'voteId']);
    expect((await new Api(service.url).get(`/v1/votes/${voteId}/tally`)).status).toBe(409);
    expect((await new Api(service.url).get(`/v1/votes/${voteId}/record`)).status).toBe(409);

    const closed = await closeAndPublish(c.secretary, c.members, voteId);
    expect(closed.status).toBe(200);
    const tally = closed.body.tally;
    expect(tally).toMatchObject({ entitled: 11, present: 9, issued: 9, returned: 9, required: 6 });
    const [confirm, diff] = tally.items;
    expect(confirm).toMatchObject({ valid: 9, invalid: 0 });
    expect(confirm.candidates[0]).toMatchObject({ name: '王小洪', approve: 7, disapprove: 1, abstain: 1, outcome: 'elected' });
    expect(diff).toMatchObject({ valid: 8, invalid: 1, undecidedSeats: 0, runoff: null });
    expect(diff.candidates.map((x: { name: string; approve: number; outcome: string }) => [x.name, x.approve, x.outcome])).toEqual([
      ['于伟国', 7, 'elected'],
      ['万立骏', 6, 'elected'],
      ['李干杰', 1, 'not_elected'],
    ]);

    // After close: the record verifies, and each member finds their ballot by receipt.
    const record = (await new Api(service.url).get(`/v1/votes/${voteId}/record`)).body;
    const jwks = (await new Api(service.url).get('/.well-known/jwks.json')).body;
    const report = await verifyRecord(record, { jwks, randomBytes: rng });
    expect(report.checks.filter((ch) => !ch.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    for (const { hash, receipt } of receipts) {
      const ballot = findBallotInRecord(record, hash);
      expect(ballot).not.toBeNull();
      expect(ballotHash(ballot!)).toBe(hash);
      await checkReceipt(receipt, jwks, ballot!);
    }
    const published = (await new Api(service.url).get(`/v1/votes/${voteId}/tally`)).body;
    expect(published.tally).toEqual(tally);
    // What the printed report names: the meeting, and the close to the minute (nothing finer).
    expect(published.meetingTitle).toBe('第12次常委会');
    expect(published.closedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    const late = await cast(service.url, last, approveOnly(def, []));
    expect(late.status).toBe(409);
  });
});

describe('a draft vote left in a closed meeting', () => {
  it('issues no tokens and no longer holds the roster', async () => {
    const c2 = await createCommittee(admin, '散会测试委员会', NAMES.slice(0, 3));
    const m = (await c2.secretary.api.post(`/v1/committees/${c2.id}/meetings`, { title: '会议' })).body.id;
    const vote = (await c2.secretary.api.post(`/v1/meetings/${m}/votes`, { title: '未开始的表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] }))
      .body;
    await c2.secretary.api.put(`/v1/meetings/${m}/attendance`, { present: c2.members.map((x) => x.personId) });
    expect((await admin.api.post(`/v1/committees/${c2.id}/members`, { name: '赵四' })).body.code).toBe('invalid_state');
    await c2.secretary.api.post(`/v1/meetings/${m}/open`);
    expect((await c2.secretary.api.post(`/v1/meetings/${m}/close`)).body.state).toBe('closed');
    const { reply } = await requestToken(c2.members[0]!, vote.id);
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('invalid_state');
    expect((await admin.api.post(`/v1/committees/${c2.id}/members`, { name: '赵四' })).status).toBe(201);
    expect((await c2.secretary.api.post(`/v1/votes/${vote.id}/open`)).body.code).toBe('invalid_state');
  });
});
