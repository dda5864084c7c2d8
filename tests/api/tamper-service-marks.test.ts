// Marks changed in the database while the vote is open, with the token untouched — the attack
// a version-1 record could not show (PROTOCOL.md §1). The tamperer holds the service key, so
// the sealed ballot is opened, changed, re-sealed at the same length, and its stored hash
// updated (their best case); the service closes the vote as usual, and the record published
// over HTTP fails verification with ballot_signature_invalid, naming the altered ballot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote, NAMES } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken, rng, closeAndPublish } from '../helpers/voting.ts';
import { ballotHash, type Ballot, type VoteDefinition } from '../../src/protocol/ballot.ts';
import { sealedBallotText } from '../../src/protocol/ballot-v2.ts';
import { verifyRecord, type VerificationCode } from '../../src/protocol/verifier.ts';
import { openBallot, sealBallot } from '../../src/votes/sealing.ts';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => service?.close());

describe('a mark changed in the database before the close', () => {
  it('fails verifyRecord with ballot_signature_invalid naming that ballot, and nothing else', async () => {
    const admin = await adminSession(service);
    const { c, def } = await meetingWithVote(admin, '改票测试委员会', NAMES.slice(0, 6), [{ post: '局长', seats: 1, candidates: ['王小洪'] }]);
    const v: VoteDefinition = def;
    const tokens = [];
    for (const m of c.members) tokens.push(await obtainToken(m, v));
    await c.secretary.api.post(`/v1/votes/${v.voteId}/open`);
    // 3 同意, 2 不同意: 3 < 4 required of 应到 6, not elected — until one 不同意 becomes 同意.
    for (const [i, t] of tokens.slice(0, 5).entries()) expect((await cast(service.url, t, approveOnly(v, i < 3 ? ['王小洪'] : []))).status).toBe(201);

    const { keys, db } = service.ctx;
    const rows = await db.query<{ token: string; ballot: string }>('SELECT token, ballot FROM ballots WHERE vote_id = $1', [v.voteId]);
    const target = rows
      .map((r) => ({ ...r, plain: JSON.parse(openBallot(keys, v.voteId, r.token, r.ballot)) as Ballot }))
      .find((r) => r.plain.choices['i1']!['c1'] === 'disapprove')!;
    const altered: Ballot = { ...target.plain, choices: { i1: { c1: 'approve' } } };
    const sealed = sealBallot(keys, v.voteId, target.token, sealedBallotText(altered));
    expect(sealed.length).toBe(target.ballot.length);
    await db.query('UPDATE ballots SET ballot = $3, ballot_hash = $4 WHERE vote_id = $1 AND token = $2', [v.voteId, target.token, sealed, ballotHash(altered)]);

    const closed = await closeAndPublish(c.secretary, c.members, v.voteId);
    expect(closed.status).toBe(200);
    // The altered ballot made the candidate elected…
    expect(closed.body.tally.items[0].candidates[0]).toMatchObject({ approve: 4, outcome: 'elected' });
    const record = (await new Api(service.url).get(`/v1/votes/${v.voteId}/record`)).body;
    const jwks = (await new Api(service.url).get('/.well-known/jwks.json')).body;
    const report = await verifyRecord(record, { jwks, randomBytes: rng });
    // …and the record says so, for everyone: only the ballot signature check fails.
    const failed = report.checks.filter((ch) => !ch.ok);
    expect(failed.map((ch) => ch.code as VerificationCode)).toEqual(['ballot_signature_invalid']);
    expect(failed[0]!.detail).toContain(ballotHash(altered));
    expect(report.version).toBe(2);
  });
});
