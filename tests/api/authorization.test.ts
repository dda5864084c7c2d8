// Every authenticated route, tried by every role that must not use it — another role, and the
// same role on another committee — gets 403 or 404 and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, enrolPerson, type CommitteeFixture } from '../helpers/world.ts';
import { specRoutes } from '../helpers/openapi.ts';

let service: TestService;
let admin: Session;
let a: CommitteeFixture;
let b: CommitteeFixture;
let meetingA: string;
let voteA: string;
let blinded: { blindedPoint: string; deviceSignature: string };
let obsA: Session;
let shareA: string;
let slipsMeetingA: string;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
  // Restricted: the record's routes are scoped to it as well (issue 12).
  a = await createCommittee(admin, '甲县委常委会', ['王一', '李二', '张三'], undefined, 'restricted');
  b = await createCommittee(admin, '乙县委常委会', ['赵四', '钱五', '孙六']);
  meetingA = (await a.secretary.api.post(`/v1/committees/${a.id}/meetings`, { title: '甲会议' })).body.id;
  voteA = (await a.secretary.api.post(`/v1/meetings/${meetingA}/votes`, { title: '甲表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body
    .id;
  const { createTokenRequest } = await import('../../src/protocol/member-ballot.ts');
  const { tokenRequestMessage } = await import('../../src/protocol/device-key.ts');
  const { rng } = await import('../helpers/voting.ts');
  const req = createTokenRequest(voteA, rng);
  obsA = await enrolPerson(admin, (await admin.api.post(`/v1/committees/${a.id}/observers`, { name: '甲观察员' })).body.personId);
  shareA = (await a.secretary.api.post(`/v1/votes/${voteA}/shares`)).body.shareId;
  slipsMeetingA = (await a.secretary.api.post(`/v1/committees/${a.id}/meetings`, { title: '甲推荐会', kind: 'slips', entitled: 50 })).body.id;
  blinded = { blindedPoint: req.blindedPoint, deviceSignature: await a.members[0]!.device.sign(tokenRequestMessage(voteA, req.blindedPoint)) };
});
afterAll(async () => service?.close());

/** Everything a denied request could have changed. */
async function snapshot(): Promise<string> {
  const db = service.ctx.db;
  const tables = [
    'people',
    'committees',
    'committee_members',
    'committee_secretaries',
    'enrolment_codes',
    'devices',
    'meetings',
    'attendance',
    'chain_entries',
    'votes',
    'token_issuances',
    'ballots',
    'vote_confirmations',
    'vote_countersignatures',
    'meeting_inspectors',
    'committee_observers',
    'vote_shares',
    'access_audit',
    'participation_slips',
    'slip_token_issuances',
  ];
  const counts = await Promise.all(tables.map(async (t) => `${t}=${(await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))[0]!.n}`));
  const states = await db.query('SELECT id, state, attendance_recorded FROM meetings ORDER BY id');
  const devices = await db.query('SELECT id, revoked_at FROM devices ORDER BY id');
  const members = await db.query('SELECT committee_id, person_id, voting_right, active FROM committee_members ORDER BY 1, 2');
  const visibility = await db.query('SELECT id, visibility FROM committees ORDER BY id');
  const shares = await db.query('SELECT id, revoked_at FROM vote_shares ORDER BY id');
  const slips = await db.query('SELECT id, redeemed_at, voided_at FROM participation_slips ORDER BY id');
  return JSON.stringify({ counts, states, devices, members, visibility, shares, slips });
}

type Who = 'admin' | 'secA' | 'memA' | 'obsA' | 'secB' | 'memB';
const session = (who: Who): Session => ({ admin, secA: a.secretary, memA: a.members[0]!, obsA, secB: b.secretary, memB: b.members[0]! })[who];

interface Case {
  route: string; // "method /openapi/template"
  call: (s: Session) => Promise<{ status: number; body: any }>;
  denied: Partial<Record<Who, 403 | 404 | [403, string]>>;
  /** Without a token: 401, or for the record's routes of a restricted committee 404 (as for no such committee). */
  anonymous?: 404;
}

/** A composite over vote A twice: refused past authorisation (invalid_composite), so nothing is written. */
const compositeBody = () => ({
  title: '三元测评',
  sources: [
    { label: '甲', voteId: voteA, weight: 50 },
    { label: '乙', voteId: voteA, weight: 50 },
  ],
});

const cases = (): Case[] => [
  {
    route: 'post /v1/people/{personId}/enrolment-codes',
    call: (s) => s.api.post(`/v1/people/${a.members[1]!.personId}/enrolment-codes`),
    denied: { obsA: 403, secA: 403, memA: 403, secB: 403, memB: 403 },
  },
  {
    route: 'get /v1/people/{personId}/devices',
    call: (s) => s.api.get(`/v1/people/${a.members[1]!.personId}/devices`),
    denied: { obsA: 404, secA: 404, memA: 404, secB: 404, memB: 404 },
  },
  {
    route: 'post /v1/devices/{deviceId}/revoke',
    call: (s) => s.api.post(`/v1/devices/${a.members[1]!.deviceId}/revoke`),
    denied: { obsA: 403, secA: 403, memA: 403, secB: 403, memB: 403 },
  },
  {
    route: 'post /v1/committees',
    call: (s) => s.api.post('/v1/committees', { name: '丙委员会' }),
    denied: { obsA: 403, secA: 403, memA: 403, secB: 403, memB: 403 },
  },
  { route: 'get /v1/committees/{committeeId}', call: (s) => s.api.get(`/v1/committees/${a.id}`), denied: { secB: 404, memB: 404 } },
  { route: 'get /v1/committees/{committeeId}/members', call: (s) => s.api.get(`/v1/committees/${a.id}/members`), denied: { secB: 404, memB: 404 } },
  {
    route: 'post /v1/committees/{committeeId}/members',
    call: (s) => s.api.post(`/v1/committees/${a.id}/members`, { name: '周七' }),
    denied: { obsA: 403, secA: 403, memA: 403, secB: 403, memB: 403 },
  },
  {
    route: 'post /v1/committees/{committeeId}/members/batch',
    call: (s) => s.api.post(`/v1/committees/${a.id}/members/batch`, { members: [{ name: '郑九' }] }),
    denied: { obsA: 403, secA: 403, memA: 403, secB: 403, memB: 403 },
  },
  {
    route: 'patch /v1/committees/{committeeId}/members/{memberId}',
    call: (s) => s.api.patch(`/v1/committees/${a.id}/members/${a.members[2]!.personId}`, { votingRight: false }),
    denied: { obsA: 403, secA: 403, memA: 403, secB: 403, memB: 403 },
  },
  { route: 'get /v1/committees/{committeeId}/secretaries', call: (s) => s.api.get(`/v1/committees/${a.id}/secretaries`), denied: { secB: 404, memB: 404 } },
  {
    route: 'delete /v1/committees/{committeeId}/secretaries/{personId}',
    call: (s) => s.api.delete(`/v1/committees/${a.id}/secretaries/${a.secretary.personId}`),
    denied: { obsA: 403, secA: 403, memA: 403, secB: 403, memB: 403 },
  },
  {
    route: 'post /v1/committees/{committeeId}/secretaries',
    call: (s) => s.api.post(`/v1/committees/${a.id}/secretaries`, { name: '吴八' }),
    denied: { obsA: 403, secA: 403, memA: 403, secB: 403, memB: 403 },
  },
  {
    route: 'post /v1/committees/{committeeId}/meetings',
    call: (s) => s.api.post(`/v1/committees/${a.id}/meetings`, { title: '另一次会议' }),
    denied: { obsA: 403, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  { route: 'get /v1/committees/{committeeId}/meetings', call: (s) => s.api.get(`/v1/committees/${a.id}/meetings`), denied: { secB: 404, memB: 404 } },
  { route: 'get /v1/meetings/{meetingId}', call: (s) => s.api.get(`/v1/meetings/${meetingA}`), denied: { secB: 404, memB: 404 } },
  { route: 'get /v1/meetings/{meetingId}/attendance', call: (s) => s.api.get(`/v1/meetings/${meetingA}/attendance`), denied: { secB: 404, memB: 404 } },
  {
    route: 'put /v1/meetings/{meetingId}/attendance',
    call: (s) => s.api.put(`/v1/meetings/${meetingA}/attendance`, { present: a.members.map((m) => m.personId) }),
    denied: { obsA: 403, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  {
    route: 'post /v1/meetings/{meetingId}/open',
    call: (s) => s.api.post(`/v1/meetings/${meetingA}/open`),
    denied: { obsA: 403, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  {
    route: 'post /v1/meetings/{meetingId}/close',
    call: (s) => s.api.post(`/v1/meetings/${meetingA}/close`),
    denied: { obsA: 403, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  {
    route: 'post /v1/meetings/{meetingId}/votes',
    call: (s) => s.api.post(`/v1/meetings/${meetingA}/votes`, { title: '另一表决', items: [{ post: '局长', seats: 1, candidates: ['李二'] }] }),
    denied: { obsA: 403, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  { route: 'get /v1/meetings/{meetingId}/votes', call: (s) => s.api.get(`/v1/meetings/${meetingA}/votes`), denied: { secB: 404, memB: 404 } },
  { route: 'get /v1/votes/{voteId}', call: (s) => s.api.get(`/v1/votes/${voteA}`), denied: { obsA: 404, secB: 404, memB: 404 } },
  {
    route: 'post /v1/votes/{voteId}/open',
    call: (s) => s.api.post(`/v1/votes/${voteA}/open`),
    denied: { obsA: 404, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  {
    route: 'post /v1/votes/{voteId}/close',
    call: (s) => s.api.post(`/v1/votes/${voteA}/close`),
    denied: { obsA: 404, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  {
    route: 'get /v1/votes/{voteId}/issuances',
    call: (s) => s.api.get(`/v1/votes/${voteA}/issuances`),
    denied: { obsA: 404, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  {
    route: 'post /v1/votes/{voteId}/runoff',
    call: (s) => s.api.post(`/v1/votes/${voteA}/runoff`),
    denied: { obsA: 404, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  { route: 'get /v1/votes/{voteId}/closing', call: (s) => s.api.get(`/v1/votes/${voteA}/closing`), denied: { obsA: 404, secB: 404, memB: 404 } },
  // Only a member holding a token for the vote confirms; only a designated inspector countersigns.
  {
    route: 'post /v1/votes/{voteId}/confirmations',
    call: (s) => s.api.post(`/v1/votes/${voteA}/confirmations`, { deviceSignature: 'AAAA' }),
    denied: { obsA: 404, admin: [403, 'not_eligible'], secA: [403, 'not_eligible'], memA: [403, 'not_eligible'], secB: 404, memB: 404 },
  },
  {
    route: 'post /v1/votes/{voteId}/seal',
    call: (s) => s.api.post(`/v1/votes/${voteA}/seal`, {}),
    denied: { obsA: 404, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  {
    route: 'post /v1/votes/{voteId}/countersignatures',
    call: (s) => s.api.post(`/v1/votes/${voteA}/countersignatures`, { deviceSignature: 'AAAA' }),
    denied: { obsA: 404, admin: 403, secA: 403, memA: 403, secB: 404, memB: 404 },
  },
  { route: 'get /v1/meetings/{meetingId}/inspectors', call: (s) => s.api.get(`/v1/meetings/${meetingA}/inspectors`), denied: { secB: 404, memB: 404 } },
  {
    route: 'put /v1/meetings/{meetingId}/inspectors',
    call: (s) => s.api.put(`/v1/meetings/${meetingA}/inspectors`, { inspectors: [a.members[1]!.personId] }),
    denied: { obsA: 403, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  // Only a present voting member gets a token: the secretary and the administrator are refused as not eligible.
  {
    route: 'post /v1/votes/{voteId}/tokens',
    call: (s) => s.api.post(`/v1/votes/${voteA}/tokens`, blinded),
    denied: { obsA: [403, 'not_eligible'], admin: [403, 'not_eligible'], secA: [403, 'not_eligible'], secB: 404, memB: 404 },
  },
  // Who may read the record (issue 12): administrators only set visibility and observers; the
  // secretaries and administrators keep share links and read the access log.
  {
    route: 'patch /v1/committees/{committeeId}',
    call: (s) => s.api.patch(`/v1/committees/${a.id}`, { visibility: 'public' }),
    denied: { secA: 403, memA: 403, obsA: 403, secB: 403, memB: 403 },
  },
  { route: 'get /v1/committees/{committeeId}/observers', call: (s) => s.api.get(`/v1/committees/${a.id}/observers`), denied: { secB: 404, memB: 404 } },
  {
    route: 'post /v1/committees/{committeeId}/observers',
    call: (s) => s.api.post(`/v1/committees/${a.id}/observers`, { name: '乙观察员' }),
    denied: { secA: 403, memA: 403, obsA: 403, secB: 403, memB: 403 },
  },
  {
    route: 'delete /v1/committees/{committeeId}/observers/{personId}',
    call: (s) => s.api.delete(`/v1/committees/${a.id}/observers/${obsA.personId}`),
    denied: { secA: 403, memA: 403, obsA: 403, secB: 403, memB: 403 },
  },
  {
    route: 'get /v1/committees/{committeeId}/access-log',
    call: (s) => s.api.get(`/v1/committees/${a.id}/access-log`),
    denied: { memA: 403, obsA: 403, secB: 404, memB: 404 },
  },
  { route: 'post /v1/votes/{voteId}/shares', call: (s) => s.api.post(`/v1/votes/${voteA}/shares`), denied: { memA: 403, obsA: 404, secB: 404, memB: 404 } },
  { route: 'get /v1/votes/{voteId}/shares', call: (s) => s.api.get(`/v1/votes/${voteA}/shares`), denied: { memA: 403, obsA: 404, secB: 404, memB: 404 } },
  {
    route: 'delete /v1/votes/{voteId}/shares/{shareId}',
    call: (s) => s.api.delete(`/v1/votes/${voteA}/shares/${shareA}`),
    denied: { memA: 403, obsA: 404, secB: 404, memB: 404 },
  },
  // Participation slips (issue 15): the committee's secretary prints and voids; its people read the counts.
  {
    route: 'post /v1/meetings/{meetingId}/slips',
    call: (s) => s.api.post(`/v1/meetings/${slipsMeetingA}/slips`, { count: 2 }),
    denied: { obsA: 403, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  { route: 'get /v1/meetings/{meetingId}/slips', call: (s) => s.api.get(`/v1/meetings/${slipsMeetingA}/slips`), denied: { secB: 404, memB: 404 } },
  {
    route: 'post /v1/meetings/{meetingId}/slips/void',
    call: (s) => s.api.post(`/v1/meetings/${slipsMeetingA}/slips/void`, { batch: 1 }),
    denied: { obsA: 403, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  // 三元测评 composites (issue 15): the committee's secretary publishes; the record's readers read.
  {
    route: 'post /v1/committees/{committeeId}/composites',
    call: (s) => s.api.post(`/v1/committees/${a.id}/composites`, compositeBody()),
    denied: { obsA: 403, admin: 403, memA: 403, secB: 404, memB: 404 },
  },
  {
    route: 'get /v1/committees/{committeeId}/composites',
    call: (s) => s.api.get(`/v1/committees/${a.id}/composites`),
    denied: { secB: 404, memB: 404 },
    anonymous: 404,
  },
  {
    route: 'get /v1/committees/{committeeId}/composites/{compositeId}',
    call: (s) => s.api.get(`/v1/committees/${a.id}/composites/${voteA}`),
    denied: { secB: 404, memB: 404 },
    anonymous: 404,
  },
  // The record of a restricted committee: no other committee's people, and no one anonymous.
  { route: 'get /v1/votes/{voteId}/status', call: (s) => s.api.get(`/v1/votes/${voteA}/status`), denied: { secB: 404, memB: 404 }, anonymous: 404 },
  { route: 'get /v1/votes/{voteId}/tally', call: (s) => s.api.get(`/v1/votes/${voteA}/tally`), denied: { secB: 404, memB: 404 }, anonymous: 404 },
  { route: 'get /v1/votes/{voteId}/record', call: (s) => s.api.get(`/v1/votes/${voteA}/record`), denied: { secB: 404, memB: 404 }, anonymous: 404 },
  { route: 'get /v1/committees/{committeeId}/chain', call: (s) => s.api.get(`/v1/committees/${a.id}/chain`), denied: { secB: 404, memB: 404 }, anonymous: 404 },
];

/** Routes open to anyone, or to any signed-in person, with nothing scoped to a committee. */
const UNSCOPED = new Set([
  'get /healthz',
  'get /readyz',
  'get /.well-known/jwks.json',
  'get /v1/site',
  'post /v1/enrol',
  'post /v1/auth/challenge',
  'post /v1/auth/token',
  'get /v1/me',
  'get /v1/committees',
  'post /v1/collation/stroke-order',
  // Anonymous casting: no credentials by design.
  'post /v1/ballots',
  // A participant's phone (issue 15): the participation code, then the participant credential it
  // gives, never a person's access token (tests/api/participants.test.ts).
  'post /v1/participant/redeem',
  'get /v1/participant/votes',
  'post /v1/participant/votes/{voteId}/tokens',
]);

describe('authorisation', () => {
  it('has a case for every scoped route in openapi.yaml', () => {
    const covered = new Set(cases().map((c) => c.route));
    expect(specRoutes().filter((r) => !UNSCOPED.has(r) && !covered.has(r))).toEqual([]);
  });

  it.each(cases().map((c) => [c.route, c] as const))('%s: refused to the wrong role or committee, nothing changed', async (_route, c) => {
    for (const [who, expected] of Object.entries(c.denied) as [Who, 403 | 404 | [403, string]][]) {
      const [status, code] = Array.isArray(expected) ? expected : [expected, expected === 403 ? 'forbidden' : 'not_found'];
      const before = await snapshot();
      const r = await c.call(session(who));
      expect({ who, status: r.status, code: r.body?.code }).toEqual({ who, status, code });
      expect(await snapshot()).toBe(before);
    }
    // And without a token at all.
    const anon = await c.call({ ...admin, api: admin.api.as(undefined) });
    expect({ status: anon.status, code: anon.body?.code }).toEqual(
      c.anonymous === 404 ? { status: 404, code: 'not_found' } : { status: 401, code: 'unauthenticated' },
    );
  });

  it('lists to each person only the committees they belong to', async () => {
    const seen = async (s: Session) => (await s.api.get('/v1/committees')).body.committees.map((c: { id: string }) => c.id).sort();
    expect(await seen(b.members[0]!)).toEqual([b.id]);
    expect(await seen(a.secretary)).toEqual([a.id]);
    expect(await seen(obsA)).toEqual([a.id]);
    expect(await seen(admin)).toEqual([a.id, b.id].sort());
  });

  it('lets the allowed role do each thing', async () => {
    expect((await a.secretary.api.put(`/v1/meetings/${meetingA}/attendance`, { present: a.members.map((m) => m.personId) })).status).toBe(200);
    expect((await a.members[0]!.api.get(`/v1/people/${a.members[0]!.personId}/devices`)).status).toBe(200);
    expect((await admin.api.post(`/v1/people/${a.members[2]!.personId}/enrolment-codes`)).status).toBe(201);
    expect((await a.members[0]!.api.post(`/v1/votes/${voteA}/tokens`, blinded)).status).toBe(200);
    expect((await a.secretary.api.post(`/v1/meetings/${slipsMeetingA}/slips`, { count: 2 })).status).toBe(201);
    // Past authorisation: vote A is not closed.
    expect((await a.secretary.api.post(`/v1/committees/${a.id}/composites`, compositeBody())).body.code).toBe('composite_source_not_closed');
    expect((await obsA.api.get(`/v1/committees/${a.id}/composites`)).body.composites).toEqual([]);
    expect((await a.members[0]!.api.get(`/v1/meetings/${slipsMeetingA}/slips`)).body.printed).toBe(2);
    expect((await a.secretary.api.post(`/v1/meetings/${slipsMeetingA}/slips/void`, { batch: 1 })).body.voidedNow).toBe(2);
  });

  // The record's routes with a participant credential (Piaojue-Participant, issue 15): its own
  // meeting's votes only; any other vote of the restricted committee, and its chain, 404.
  it('lets a participant credential read only its own meeting’s votes on a restricted committee, changing nothing', async () => {
    const m = (await a.secretary.api.post(`/v1/committees/${a.id}/meetings`, { title: '甲干部大会', kind: 'slips', entitled: 5 })).body.id as string;
    const own = (
      await a.secretary.api.post(`/v1/meetings/${m}/votes`, {
        title: '甲推荐',
        items: [{ shape: 'recommendation', post: '副局长', maxMarks: 1, candidates: ['王芳', '李强'] }],
      })
    ).body.id as string;
    const code = (await a.secretary.api.post(`/v1/meetings/${m}/slips`, { count: 1 })).body.slips[0].code as string;
    expect((await a.secretary.api.post(`/v1/meetings/${m}/open`)).status).toBe(200);
    expect((await a.secretary.api.post(`/v1/votes/${own}/open`)).status).toBe(200);
    const credential = (await admin.api.as(undefined).post('/v1/participant/redeem', { code })).body.credential as string;
    const get = (path: string) => admin.api.as(undefined).req('GET', path, undefined, { headers: { 'piaojue-participant': credential } });
    for (const path of [`/v1/votes/${voteA}/status`, `/v1/votes/${voteA}/tally`, `/v1/votes/${voteA}/record`, `/v1/committees/${a.id}/chain`]) {
      const before = await snapshot();
      const r = await get(path);
      expect({ path, status: r.status, code: r.body?.code }).toEqual({ path, status: 404, code: 'not_found' });
      expect(await snapshot()).toBe(before);
    }
    expect((await get(`/v1/votes/${own}/status`)).status).toBe(200);
    expect((await get(`/v1/votes/${own}/record?through=created`)).status).toBe(200);
    expect((await get(`/v1/votes/${own}/tally`)).body.code).toBe('invalid_state');
  });
});
