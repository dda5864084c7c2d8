// Version-2 ballots against the running service: every cast of a vote has one length on the
// wire and every sealed row one length at rest, whatever the marks; a ballot whose one-time
// key did not sign its marks is refused (before any pairing) and changes nothing; the padding
// must be exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/client.ts';
import { Api } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote, NAMES, type CommitteeFixture } from '../helpers/world.ts';
import { castBallot, obtainToken, rng } from '../helpers/voting.ts';
import type { Choices, Mark, VoteDefinition } from '../../src/protocol/ballot.ts';
import { ballotPadding, castBodyText, MARK_WIDTH } from '../../src/protocol/ballot-v2.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { buildBallot, type TokenV2 } from '../../src/protocol/member-ballot.ts';
import { signBallot } from '../../src/protocol/ballot-v2.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

const ITEMS = [
  { post: '局长', seats: 1, candidates: ['王小洪'] },
  { post: '副主任', seats: 2, candidates: ['李干杰', '万立骏', '于伟国'] },
];

function allMarked(def: VoteDefinition, pick: (itemIndex: number, candidateIndex: number) => Mark): Choices {
  return Object.fromEntries(def.items.map((it, i) => [it.itemId, Object.fromEntries(it.candidates.map((c, j) => [c.candidateId, pick(i, j)]))]));
}

async function openVoteWithTokens(name: string, members: number): Promise<{ c: CommitteeFixture; def: VoteDefinition; tokens: TokenV2[] }> {
  const { c, def } = await meetingWithVote(admin, name, NAMES.slice(0, members), ITEMS);
  expect(def.version).toBe(2);
  const tokens: TokenV2[] = [];
  for (const m of c.members) tokens.push((await obtainToken(m, def)) as TokenV2);
  await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
  return { c, def, tokens };
}

const turnout = async (voteId: string) => (await new Api(service.url).get(`/v1/votes/${voteId}/status`)).body.turnout;

describe('equal-length ballots', () => {
  it('every cast request and every sealed row of a vote has the same byte length, whatever the marks', async () => {
    const { def, tokens } = await openVoteWithTokens('等长选票委员会', 5);
    const patterns: Choices[] = [
      allMarked(def, () => 'approve'),
      allMarked(def, () => 'disapprove'),
      allMarked(def, () => 'abstain'),
      allMarked(def, (i, j) => (['disapprove', 'approve', 'abstain'] as const)[(i + j) % 3]!),
      allMarked(def, (i, j) => (i === 0 ? 'disapprove' : j === 0 ? 'approve' : 'abstain')),
    ];
    // The request bodies as they leave the client, measured at fetch.
    const sent: number[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      if ((input instanceof Request ? input.url : input.toString()).endsWith('/v1/ballots') && typeof init?.body === 'string')
        sent.push(Buffer.byteLength(init.body, 'utf8'));
      return realFetch(input, init);
    };
    try {
      for (const [i, choices] of patterns.entries()) expect((await castBallot(service.url, buildBallot(tokens[i]!, choices))).status).toBe(201);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(sent).toHaveLength(patterns.length);
    expect(new Set(sent).size).toBe(1);
    // Unpadded, the lengths would have differed (so the test measures something).
    const unpadded = patterns.map((p, i) => JSON.stringify(buildBallot(tokens[i]!, p)).length);
    expect(new Set(unpadded).size).toBeGreaterThan(1);

    const rows = await service.ctx.db.query<{ ballot: string; token: string; ballot_hash: string; receipt: string }>(
      'SELECT ballot, token, ballot_hash, receipt FROM ballots WHERE vote_id = $1',
      [def.voteId],
    );
    expect(rows).toHaveLength(patterns.length);
    expect(new Set(rows.map((r) => Buffer.byteLength(r.ballot))).size).toBe(1);
    expect(new Set(rows.map((r) => Buffer.byteLength(JSON.stringify(r)))).size).toBe(1);
  });

  it('refuses a cast whose padding is missing or wrong, naming the field, and spends nothing', async () => {
    const { def, tokens } = await openVoteWithTokens('填充校验委员会', 3);
    const ballot = buildBallot(
      tokens[0]!,
      allMarked(def, () => 'approve'),
    );
    const api = new Api(service.url);
    const send = (body: unknown) => api.req('POST', '/v1/ballots', undefined, { raw: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const missing = await send(ballot);
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ code: 'invalid_ballot', field: 'padding' });
    const short = await send({ ...ballot, padding: ballotPadding(ballot.choices).slice(1) });
    expect(short.body).toMatchObject({ code: 'invalid_ballot', field: 'padding' });
    const otherChars = await send({ ...ballot, padding: ' '.repeat(ballotPadding(ballot.choices).length) });
    expect(otherChars.body).toMatchObject({ code: 'invalid_ballot', field: 'padding' });
    expect(await turnout(def.voteId)).toEqual({ issued: 3, returned: 0 });
    expect(ballotPadding(ballot.choices)).toBe('0'.repeat((MARK_WIDTH - 'approve'.length) * 4));
    expect((await castBallot(service.url, ballot)).status).toBe(201);
  });
});

describe('ballot signatures at the service', () => {
  it('refuses a ballot whose marks its one-time key did not sign with 422 invalid_ballot_signature, and changes nothing', async () => {
    const { def, tokens } = await openVoteWithTokens('选票签名委员会', 3);
    const honest = buildBallot(
      tokens[0]!,
      allMarked(def, () => 'disapprove'),
    );
    const before = (await new Api(service.url).get(`/v1/votes/${def.voteId}/status`)).body;
    // The marks changed after signing (what an operator in the middle would do).
    const altered = { ...honest, choices: allMarked(def, () => 'approve') };
    const r = await castBallot(service.url, altered);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'invalid_ballot_signature', field: 'ballotSignature', type: 'urn:piaojue:problem:invalid_ballot_signature' });
    // Signed by another key than the one the token is bound to.
    const otherKey = rng(32);
    const foreign = { ...honest, ballotSignature: toBase64url(signBallot(otherKey, def.voteId, honest.choices)) };
    expect((await castBallot(service.url, foreign)).body.code).toBe('invalid_ballot_signature');
    expect(await turnout(def.voteId)).toEqual({ issued: 3, returned: 0 });
    expect(await service.ctx.db.query('SELECT 1 FROM ballots WHERE vote_id = $1', [def.voteId])).toHaveLength(0);
    expect((await new Api(service.url).get(`/v1/votes/${def.voteId}/status`)).body).toEqual(before);
    // The token was not spent: the honest ballot still casts.
    expect((await castBallot(service.url, honest)).status).toBe(201);
  });

  it('checks the ballot signature before the token: a ballot bad in both is refused for its ballot signature', async () => {
    const { def, tokens } = await openVoteWithTokens('先验签委员会', 3);
    const honest = buildBallot(
      tokens[1]!,
      allMarked(def, () => 'abstain'),
    );
    const both = { ...honest, signature: tokens[2]!.signature, choices: allMarked(def, () => 'approve') };
    expect((await castBallot(service.url, both)).body.code).toBe('invalid_ballot_signature');
    // With a good ballot signature, the swapped token signature is what fails.
    const tokenOnly = { ...honest, signature: tokens[2]!.signature };
    expect((await castBallot(service.url, tokenOnly)).body.code).toBe('invalid_signature');
  });

  it('the cast body is the canonical ballot plus its padding, byte for byte', async () => {
    const { def, tokens } = await openVoteWithTokens('规范正文委员会', 3);
    const ballot = buildBallot(
      tokens[0]!,
      allMarked(def, () => 'approve'),
    );
    const text = castBodyText(ballot);
    expect(JSON.parse(text)).toEqual({ ...ballot, padding: ballotPadding(ballot.choices) });
    expect(Object.keys(JSON.parse(text))).toEqual(['ballotPublicKey', 'ballotSignature', 'choices', 'padding', 'signature', 'voteId']);
  });
});
