// Meetings of participants holding slips (issue 15), end to end over HTTP: the secretary prints
// slips, phones spend them for participant credentials and take one blind token per vote, cast
// anonymously, and the close publishes a record the verifier passes — with 实到 the slips
// issued and no members' quorum. Refusals have their codes; an operator who adds ballots
// beyond tokens, or tokens beyond slips, is caught by the verifier's participation check; and
// no table row links a slip to a ballot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import { castBallot, closeAndPublish, requestToken, rng } from '../helpers/voting.ts';
import { rehash } from '../helpers/records.ts';
import { obtainSlipToken, redeemSlip, requestSlipToken } from '../../src/client/participant.ts';
import type { AnyVoteDefinition } from '../../src/protocol/ballot.ts';
import { compareStrings, verifyChainLinks, type ChainEntry, type VoteRecord } from '../../src/protocol/chain.ts';
import { buildBallot, createTokenRequest, type Token } from '../../src/protocol/member-ballot.ts';
import type { RecommendationItem, RecommendationTally } from '../../src/protocol/shapes.ts';
import { verifyRecord, type VerificationReport } from '../../src/protocol/verifier.ts';

let service: TestService;
let admin: Session;
let c: CommitteeFixture;
let jwks: unknown;
let meetingId: string;
let def: AnyVoteDefinition;
let codes: string[];

type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
const anon = () => new Api(service.url);
const as = (credential: string) => new Api(service.url, credential);
const verify = async (record: unknown): Promise<VerificationReport> => verifyRecord(record, { jwks: jwks as never, randomBytes: rng });
const codeOf = (r: VerificationReport, id: string) => r.checks.find((x) => x.id === id)?.code;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
  jwks = (await anon().get('/.well-known/jwks.json')).body;
  c = await createCommittee(admin, '民主推荐委员会', ['王一', '李二', '张三']);
});
afterAll(async () => service?.close());

const NAMES = ['王芳', '李强', '张伟', '刘洋'];

describe('a 民主推荐 at a meeting of participants holding slips', () => {
  const credentials: string[] = [];
  const tokens: Token[] = [];
  let record: VoteRecord;

  it('creates a meeting of participants with its 应到, and refuses committee items in it', async () => {
    const m = await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '全县领导干部会议', kind: 'slips', entitled: 8 });
    expect(m.status).toBe(201);
    expect(m.body).toMatchObject({ kind: 'slips', entitled: 8, state: 'draft' });
    meetingId = m.body.id;
    const committeeVote = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: '表决',
      items: [{ post: '局长', seats: 1, candidates: ['王一'] }],
    });
    expect([committeeVote.status, committeeVote.body.code]).toEqual([409, 'meeting_kind_mismatch']);
    const two = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: '两项',
      items: [
        { shape: 'recommendation', post: '副局长', maxMarks: 1, candidates: ['王芳'] },
        { shape: 'evaluation', title: '测评', candidates: ['李强'] },
      ],
    });
    expect([two.status, two.body.code]).toEqual([422, 'item_mix_invalid']);
    const members = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '常委会' })).body.id;
    const shapedThere = await c.secretary.api.post(`/v1/meetings/${members}/votes`, {
      title: '推荐',
      items: [{ shape: 'recommendation', post: '副局长', maxMarks: 1, candidates: ['王芳'] }],
    });
    expect([shapedThere.status, shapedThere.body.code]).toEqual([409, 'meeting_kind_mismatch']);
  });

  it('creates the recommendation vote: names in stroke order, 应到 the meeting’s', async () => {
    const v = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: '2026 年副科级领导职务民主推荐',
      items: [
        { shape: 'recommendation', post: '县直单位副科级领导职务', maxMarks: 2, threshold: { comparison: 'more_than', num: 1, den: 2 }, candidates: NAMES },
      ],
    });
    expect(v.status).toBe(201);
    def = v.body.definition;
    const item = def.items[0] as RecommendationItem;
    expect(item.shape).toBe('recommendation');
    expect(item.candidates.map((x) => x.name)).toEqual(['王芳', '刘洋', '李强', '张伟']);
    expect(def.entitled).toBe(8);
  });

  it('refuses to open the vote before any slip is issued', async () => {
    expect((await c.secretary.api.post(`/v1/meetings/${meetingId}/open`)).status).toBe(200);
    const early = await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    expect([early.status, early.body.code]).toEqual([409, 'invalid_state']);
  });

  it('prints slips in batches, each code once, with its URL in the fragment; not beyond 应到', async () => {
    const first = await c.secretary.api.post(`/v1/meetings/${meetingId}/slips`, { count: 4 });
    expect(first.status).toBe(201);
    const second = await c.secretary.api.post(`/v1/meetings/${meetingId}/slips`, { count: 2 });
    expect(second.body).toMatchObject({ batch: 2, issued: 6 });
    codes = [...first.body.slips, ...second.body.slips].map((s: { code: string }) => s.code);
    expect(new Set(codes).size).toBe(6);
    for (const s of [...first.body.slips, ...second.body.slips]) {
      expect(s.code).toMatch(/^pjp_[A-Za-z0-9_-]{22}$/);
      expect(s.url).toBe(`/#/slip/${s.code}`);
      expect(s.url).not.toContain('?');
    }
    const over = await c.secretary.api.post(`/v1/meetings/${meetingId}/slips`, { count: 3 });
    expect([over.status, over.body.code]).toEqual([409, 'slips_limit']);
    const big = await c.secretary.api.post(`/v1/meetings/${meetingId}/slips`, { count: 1001 });
    expect([big.status, big.body.code]).toEqual([400, 'validation_failed']);
    // The codes are not in the database: only their hashes.
    const stored = await service.ctx.db.query<{ code_hash: string }>('SELECT code_hash FROM participation_slips');
    expect(stored.some((r) => codes.some((code) => r.code_hash.includes(code.slice(4))))).toBe(false);
  });

  it('voids an unused slip: 实到 goes down, and the voided code is refused', async () => {
    const voided = await c.secretary.api.post(`/v1/meetings/${meetingId}/slips/void`, { codes: [codes[5]!] });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ printed: 6, issued: 5, voided: 1, voidedNow: 1 });
    const r = await redeemSlip(anon(), codes[5]!);
    expect([r.status, r.body.code]).toEqual([409, 'slip_voided']);
  });

  it('opens the vote with slips issued and no member recorded present', async () => {
    const open = await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    expect(open.status).toBe(200);
  });

  it('spends a code once: a second use is slip_spent, an altered one slip_invalid, and two phones at once get one credential', async () => {
    for (const code of codes.slice(0, 3)) {
      const r = await redeemSlip(anon(), code);
      expect(r.status).toBe(200);
      expect(r.body.meetingId).toBe(meetingId);
      credentials.push(r.body.credential);
    }
    const again = await redeemSlip(anon(), codes[0]!);
    expect([again.status, again.body.code]).toEqual([409, 'slip_spent']);
    const altered = await redeemSlip(anon(), `${codes[1]!.slice(0, -1)}${codes[1]!.endsWith('A') ? 'B' : 'A'}`);
    expect([altered.status, altered.body.code]).toEqual([401, 'slip_invalid']);
    const race = await Promise.all([redeemSlip(anon(), codes[3]!), redeemSlip(anon(), codes[3]!)]);
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(race.find((r) => r.status === 409)!.body.code).toBe('slip_spent');
    credentials.push(race.find((r) => r.status === 200)!.body.credential);
    const summary = await c.secretary.api.get(`/v1/meetings/${meetingId}/slips`);
    expect(summary.body).toMatchObject({ entitled: 8, printed: 6, issued: 5, redeemed: 4, voided: 1 });
  });

  it('keeps the credentials apart: a participant credential is no access token, and the reverse', async () => {
    const mine = await as(credentials[0]!).get('/v1/participant/votes');
    expect(mine.status).toBe(200);
    expect(mine.body.votes.map((v: { id: string }) => v.id)).toEqual([def.voteId]);
    const member = await c.members[0]!.api.get('/v1/participant/votes');
    expect([member.status, member.body.code]).toEqual([401, 'token_invalid']);
    const none = await anon().get('/v1/participant/votes');
    expect([none.status, none.body.code]).toEqual([401, 'unauthenticated']);
    const elsewhere = await as(credentials[0]!).get(`/v1/meetings/${meetingId}`);
    expect([elsewhere.status, elsewhere.body.code]).toEqual([401, 'token_invalid']);
  });

  it('gives one blind token per slip and vote: the same request again gets the same signature, another is refused, also at once', async () => {
    const api = as(credentials[0]!);
    const { request, reply } = await requestSlipToken(api, def);
    expect(reply.status).toBe(200);
    const again = await requestSlipToken(api, def, request);
    expect(again.reply.body.blindSignature).toBe(reply.body.blindSignature);
    const other = await requestSlipToken(api, def);
    expect([other.reply.status, other.reply.body.code]).toEqual([409, 'token_already_issued']);
    const { finishToken } = await import('../../src/protocol/member-ballot.ts');
    tokens.push(finishToken(request, reply.body.blindSignature, def.publicKey));
    for (const credential of credentials.slice(1, 3)) tokens.push(await obtainSlipToken(as(credential), def));
    // One phone asking twice at once, with two blindings: one token, the other refused.
    const race = await Promise.all([requestSlipToken(as(credentials[3]!), def), requestSlipToken(as(credentials[3]!), def)]);
    expect(race.map((r) => r.reply.status).sort()).toEqual([200, 409]);
    const won = race.find((r) => r.reply.status === 200)!;
    expect(race.find((r) => r.reply.status === 409)!.reply.body.code).toBe('token_already_issued');
    tokens.push(finishToken(won.request, won.reply.body.blindSignature, def.publicKey));
    expect((await c.secretary.api.get(`/v1/votes/${def.voteId}`)).body.turnout).toEqual({ issued: 4, returned: 0 });
  });

  it('gives members no token in a meeting of participants', async () => {
    // The inspectors are recorded present (a vote is open: no quorum applies here).
    const present = await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: [c.members[0]!.personId] });
    expect(present.status).toBe(200);
    const { reply } = await requestToken(c.members[0]!, def.voteId);
    expect([reply.status, reply.body.code]).toEqual([403, 'not_eligible']);
  });

  it('casts anonymously on the usual route; three of four tokens are spent', async () => {
    const item = def.items[0] as RecommendationItem;
    const ids = item.candidates.map((x) => x.candidateId);
    const marks = [[ids[0]], [ids[0], ids[1]], [ids[0], ids[1], ids[2]]];
    for (const [i, picked] of marks.entries()) {
      const cells = Object.fromEntries(ids.map((id) => [id, picked.includes(id) ? 'recommend' : 'blank']));
      expect((await castBallot(service.url, buildBallot(tokens[i]!, { [item.itemId]: cells }))).status).toBe(201);
    }
  });

  it('closes with the slips’ tokens, and the verifier passes over the record: 收回 ≤ 发出 ≤ slips issued', async () => {
    const closed = await closeAndPublish(c.secretary, [c.members[0]!], def.voteId, {
      inspectors: [c.members[0]!],
      unconfirmedReason: '凭条参会者无登记设备，不作确认',
    });
    expect(closed.status).toBe(200);
    expect(closed.body.tally).toMatchObject({ entitled: 8, present: 5, issued: 4, returned: 3 });
    const t = closed.body.tally.shaped[0] as RecommendationTally;
    expect(t).toMatchObject({ valid: 2, invalid: 1 });
    expect(t.candidates[0]).toMatchObject({ name: '王芳', votes: 2, rank: 1, reached: true });
    record = (await anon().get(`/v1/votes/${def.voteId}/record`)).body;
    const close = record.entries.at(-1) as Closed;
    expect(close.body.issuances).toEqual([]);
    expect(close.body.slipTokens).toHaveLength(4);
    const slips = record.entries.filter((e) => e.kind === 'slips.issued').map((e) => (e.kind === 'slips.issued' ? e.body.issued : -1));
    expect(slips).toEqual([4, 6, 5]);
    const report = await verify(record);
    expect(report.checks.filter((x) => !x.ok)).toEqual([]);
    expect(report.checks.find((x) => x.id === 'participation')?.ok).toBe(true);
  });

  it('catches an operator who adds a ballot beyond the tokens (ballots_exceed_tokens)', async () => {
    const tampered = structuredClone(record);
    const close = tampered.entries.at(-1) as Closed;
    close.body.slipTokens = close.body.slipTokens!.slice(0, 2);
    expect(codeOf(await verify(rehash(tampered)), 'participation')).toBe('ballots_exceed_tokens');
  });

  it('catches an operator who issues tokens beyond the slips (tokens_exceed_slips)', async () => {
    const tampered = structuredClone(record);
    const close = tampered.entries.at(-1) as Closed;
    const minted = [1, 2].map(() => createTokenRequest(def.voteId, rng).blindedPoint);
    close.body.slipTokens = [...close.body.slipTokens!, ...minted].sort(compareStrings);
    expect(codeOf(await verify(rehash(tampered)), 'participation')).toBe('tokens_exceed_slips');
  });

  it('stores no row that links a slip to a ballot', async () => {
    const columns = await service.ctx.db.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name IN ('participation_slips', 'slip_token_issuances', 'ballots') ORDER BY table_name, column_name",
    );
    const of = (t: string) => columns.filter((x) => x.table_name === t).map((x) => x.column_name);
    expect(of('ballots').some((x) => /slip|person|device|issued|created|seq/.test(x))).toBe(false);
    expect(of('slip_token_issuances').sort()).toEqual(['blind_signature', 'blinded_point', 'slip_id', 'vote_id']);
    expect(of('participation_slips').some((x) => /vote|ballot|token|receipt/.test(x))).toBe(false);
    // Every column of a slip, listed: a new one is reviewed here. The redemption nonce's hash
    // names only the phone that spent the slip; it is never sent with a ballot.
    expect(of('participation_slips').sort()).toEqual(['batch', 'code_hash', 'id', 'issued_at', 'meeting_id', 'redeem_nonce_hash', 'redeemed_at', 'voided_at']);
  });

  it('refuses a code once the meeting is closed', async () => {
    expect((await c.secretary.api.post(`/v1/meetings/${meetingId}/close`)).status).toBe(200);
    const late = await redeemSlip(anon(), codes[4]!);
    expect([late.status, late.body.code]).toEqual([409, 'invalid_state']);
    const print = await c.secretary.api.post(`/v1/meetings/${meetingId}/slips`, { count: 1 });
    expect([print.status, print.body.code]).toEqual([409, 'invalid_state']);
  });
});

/** A slips meeting with one open recommendation vote and `count` slips, on committee `k`. */
async function openSlipsVote(k: CommitteeFixture, title: string, count: number): Promise<{ meetingId: string; def: AnyVoteDefinition; codes: string[] }> {
  const m = (await k.secretary.api.post(`/v1/committees/${k.id}/meetings`, { title, kind: 'slips', entitled: count })).body.id as string;
  const v = await k.secretary.api.post(`/v1/meetings/${m}/votes`, {
    title: `${title}民主推荐`,
    items: [{ shape: 'recommendation', post: '副局长', maxMarks: 1, candidates: NAMES }],
  });
  const printed = await k.secretary.api.post(`/v1/meetings/${m}/slips`, { count });
  expect((await k.secretary.api.post(`/v1/meetings/${m}/open`)).status).toBe(200);
  expect((await k.secretary.api.post(`/v1/votes/${v.body.definition.voteId}/open`)).status).toBe(200);
  return { meetingId: m, def: v.body.definition, codes: printed.body.slips.map((x: { code: string }) => x.code) };
}

describe('a participant on a restricted committee reads its own meeting’s votes, and nothing else', () => {
  let r: CommitteeFixture;
  let mine: Awaited<ReturnType<typeof openSlipsVote>>;
  let other: Awaited<ReturnType<typeof openSlipsVote>>;
  let credential: string;
  const read = (path: string, cred?: string) => anon().req('GET', path, undefined, cred === undefined ? {} : { headers: { 'piaojue-participant': cred } });

  beforeAll(async () => {
    r = await createCommittee(admin, '保密民主推荐委员会', ['赵一', '钱二'], undefined, 'restricted');
    mine = await openSlipsVote(r, '甲单位干部大会', 2);
    other = await openSlipsVote(r, '乙单位干部大会', 1);
    credential = (await redeemSlip(anon(), mine.codes[0]!)).body.credential;
  });

  it('reads its open vote’s status and its record through the vote.created entry, whose links hold', async () => {
    expect([(await read(`/v1/votes/${mine.def.voteId}/status`)).status, (await read(`/v1/votes/${mine.def.voteId}/status`)).body.code]).toEqual([
      404,
      'not_found',
    ]);
    const status = await read(`/v1/votes/${mine.def.voteId}/status`, credential);
    expect(status.status).toBe(200);
    expect(status.body.state).toBe('open');
    const opening = await read(`/v1/votes/${mine.def.voteId}/record?through=created`, credential);
    expect(opening.status).toBe(200);
    const last = opening.body.entries.at(-1);
    expect(last.kind).toBe('vote.created');
    expect(last.body.definition.voteId).toBe(mine.def.voteId);
    expect(last.body.definition.publicKey).toBe(mine.def.publicKey);
    expect(opening.body.head).toEqual({ seq: last.seq, hash: last.hash });
    expect(verifyChainLinks(opening.body.entries).ok).toBe(true);
    // Not the entries that followed (the other meeting's vote opened after it).
    expect(opening.body.entries.some((e: ChainEntry) => e.kind === 'vote.created' && e.body.definition.voteId === other.def.voteId)).toBe(false);
    const early = await read(`/v1/votes/${mine.def.voteId}/record`, credential);
    expect([early.status, early.body.code]).toEqual([409, 'invalid_state']);
  });

  it('is refused, as for an unknown id, another meeting’s vote and the committee’s chain; a bad credential is token_invalid', async () => {
    for (const path of [
      `/v1/votes/${other.def.voteId}/status`,
      `/v1/votes/${other.def.voteId}/record?through=created`,
      `/v1/votes/${other.def.voteId}/tally`,
      `/v1/committees/${r.id}/chain`,
      `/v1/committees/${r.id}/chain?after=0`,
    ]) {
      const refused = await read(path, credential);
      expect([path, refused.status, refused.body.code]).toEqual([path, 404, 'not_found']);
    }
    const unknown = await read(`/v1/votes/00000000-0000-4000-8000-000000000000/status`, credential);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'not_found']);
    // One character of the signature changed, well inside it (its last character carries padding bits).
    const at = credential.length - 20;
    const forgedCredential = `${credential.slice(0, at)}${credential[at] === 'A' ? 'B' : 'A'}${credential.slice(at + 1)}`;
    const forged = await read(`/v1/votes/${mine.def.voteId}/status`, forgedCredential);
    expect([forged.status, forged.body.code]).toEqual([401, 'token_invalid']);
    // A member's access token is no participant credential.
    const member = await read(`/v1/votes/${mine.def.voteId}/status`, c.members[0]!.token);
    expect([member.status, member.body.code]).toEqual([401, 'token_invalid']);
  });

  it('votes, and after the close reads its vote’s tally and whole record, which verifies', async () => {
    const token = await obtainSlipToken(as(credential), mine.def);
    const item = mine.def.items[0] as RecommendationItem;
    const cells = Object.fromEntries(item.candidates.map((x, i) => [x.candidateId, i === 0 ? 'recommend' : 'blank']));
    expect((await castBallot(service.url, buildBallot(token, { [item.itemId]: cells }))).status).toBe(201);
    expect((await r.secretary.api.put(`/v1/meetings/${mine.meetingId}/attendance`, { present: [r.members[0]!.personId] })).status).toBe(200);
    const closed = await closeAndPublish(r.secretary, [r.members[0]!], mine.def.voteId, {
      inspectors: [r.members[0]!],
      unconfirmedReason: '凭条参会者无登记设备，不作确认',
    });
    expect(closed.status).toBe(200);
    const tally = await read(`/v1/votes/${mine.def.voteId}/tally`, credential);
    expect(tally.status).toBe(200);
    expect(tally.body.tally).toMatchObject({ issued: 1, returned: 1 });
    const record = await read(`/v1/votes/${mine.def.voteId}/record`, credential);
    expect(record.status).toBe(200);
    expect(record.body.entries.at(-1).kind).toBe('vote.closed');
    const report = await verify(record.body);
    expect(report.checks.filter((x) => !x.ok)).toEqual([]);
    expect([(await read(`/v1/votes/${mine.def.voteId}/record`)).status]).toEqual([404]);
    expect((await read(`/v1/committees/${r.id}/chain`, credential)).status).toBe(404);
  });
});

describe('a lost redeem answer: the same phone asks again with its nonce', () => {
  let k: CommitteeFixture;
  let slips: Awaited<ReturnType<typeof openSlipsVote>>;
  const nonce = 'n0nce-of-the-first-phone-0123456789';

  beforeAll(async () => {
    k = await createCommittee(admin, '重试委员会', ['周一'], undefined, 'restricted');
    slips = await openSlipsVote(k, '丙单位干部大会', 3);
  });

  it('answers the same code and nonce again with a credential for the same slip, expiring when the first does', async () => {
    const first = await redeemSlip(anon(), slips.codes[0]!, nonce);
    expect(first.status).toBe(200);
    // The answer is lost; the phone sends the same request again.
    const again = await redeemSlip(anon(), slips.codes[0]!, nonce);
    expect(again.status).toBe(200);
    expect(again.body.meetingId).toBe(slips.meetingId);
    const sub = (cred: string) => JSON.parse(Buffer.from(cred.split('.')[1]!, 'base64url').toString()).sub as string;
    expect(sub(again.body.credential)).toBe(sub(first.body.credential));
    expect(again.body.expiresAt).toBe(first.body.expiresAt);
    // The retried credential takes the slip's one token; the first credential gets the same one (same slip).
    const { request, reply } = await requestSlipToken(as(again.body.credential), slips.def);
    expect(reply.status).toBe(200);
    const same = await requestSlipToken(as(first.body.credential), slips.def, request);
    expect(same.reply.body.blindSignature).toBe(reply.body.blindSignature);
    const second = await requestSlipToken(as(first.body.credential), slips.def);
    expect([second.reply.status, second.reply.body.code]).toEqual([409, 'token_already_issued']);
    // Only the nonce's hash is stored.
    const stored = await service.ctx.db.query<{ redeem_nonce_hash: string }>(
      'SELECT redeem_nonce_hash FROM participation_slips WHERE redeem_nonce_hash IS NOT NULL',
    );
    expect(stored.map((x) => x.redeem_nonce_hash).some((h) => h.includes(nonce))).toBe(false);
    expect(stored.every((x) => /^[0-9a-f]{64}$/.test(x.redeem_nonce_hash))).toBe(true);
  });

  it('still refuses the spent code with another nonce, or none (slip_spent), and a malformed nonce (validation_failed)', async () => {
    const otherNonce = await redeemSlip(anon(), slips.codes[0]!, 'another-phone-nonce-0123456789');
    expect([otherNonce.status, otherNonce.body.code]).toEqual([409, 'slip_spent']);
    const none = await redeemSlip(anon(), slips.codes[0]!);
    expect([none.status, none.body.code]).toEqual([409, 'slip_spent']);
    const short = await redeemSlip(anon(), slips.codes[1]!, 'short');
    expect([short.status, short.body.code]).toEqual([400, 'validation_failed']);
    // A slip spent without a nonce cannot be asked for again with one.
    expect((await redeemSlip(anon(), slips.codes[1]!)).status).toBe(200);
    const late = await redeemSlip(anon(), slips.codes[1]!, nonce);
    expect([late.status, late.body.code]).toEqual([409, 'slip_spent']);
  });

  it('two sends of the same code and nonce at once both get the slip’s credential', async () => {
    const both = await Promise.all([redeemSlip(anon(), slips.codes[2]!, `${nonce}-2`), redeemSlip(anon(), slips.codes[2]!, `${nonce}-2`)]);
    expect(both.map((x) => x.status)).toEqual([200, 200]);
  });

  it('refuses the retry once the credential’s lifetime is over (slip_spent)', async () => {
    service.advance(4 * 3600 * 1000 + 1000);
    const expired = await redeemSlip(anon(), slips.codes[0]!, nonce);
    expect([expired.status, expired.body.code]).toEqual([409, 'slip_spent']);
  });
});
