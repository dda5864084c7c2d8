// The secretary's list of who has received a ballot token for a vote, so staff can help a
// present member who has not: only the secretary reads it, and it never says who has cast.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote, NAMES, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken } from '../helpers/voting.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';

let service: TestService;
let admin: Session;
let c: CommitteeFixture;
let def: VoteDefinition;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
  ({ c, def } = await meetingWithVote(admin, '县委常委会', NAMES.slice(0, 4)));
});
afterAll(async () => service?.close());

describe('GET /v1/votes/{id}/issuances', () => {
  it('lists, sorted, exactly the members who have fetched a token; casting changes nothing in it', async () => {
    const path = `/v1/votes/${def.voteId}/issuances`;
    expect((await c.secretary.api.get(path)).body).toEqual({ voteId: def.voteId, memberIds: [] });
    const first = await obtainToken(c.members[2]!, def);
    await obtainToken(c.members[0]!, def);
    const expected = [c.members[0]!.personId, c.members[2]!.personId].sort();
    expect((await c.secretary.api.get(path)).body.memberIds).toEqual(expected);

    expect((await c.secretary.api.post(`/v1/votes/${def.voteId}/open`)).status).toBe(200);
    expect((await cast(service.url, first, approveOnly(def, ['王一']))).status).toBe(201);
    expect((await c.secretary.api.get(path)).body.memberIds).toEqual(expected);
  });

  it('is for the secretary: a member of the committee gets 403 forbidden, a stranger 404', async () => {
    const member = await c.members[1]!.api.get(`/v1/votes/${def.voteId}/issuances`);
    expect(member.status).toBe(403);
    expect(member.body.code).toBe('forbidden');
    const other = await meetingWithVote(admin, '另一委员会', NAMES.slice(4, 7));
    const stranger = await other.c.secretary.api.get(`/v1/votes/${def.voteId}/issuances`);
    expect(stranger.status).toBe(404);
    expect(stranger.body.code).toBe('not_found');
  });
});
