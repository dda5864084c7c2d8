// A flood of well-formed garbage ballots (valid shape, padding and one-time key signature; a
// token signature that only the pairing refuses) from many concurrent clients, while the
// members of the room cast. Every member's ballot is accepted, retrying after 503 as the
// member page's outbox does; every garbage ballot is refused. No timing is asserted here:
// the members' latency with and without the flood is in `npm run bench` (bench/flood.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote, NAMES } from '../helpers/world.ts';
import { castBallot, obtainToken } from '../helpers/voting.ts';
import type { Ballot } from '../../src/protocol/ballot.ts';
import { buildBallot } from '../../src/protocol/member-ballot.ts';
import { allApprove, garbageBallot } from '../../testkit/garbage-ballots.ts';

let service: TestService;

// A small queue, so the flood overflows it and the 503 path is exercised. The flood and the
// members all come from 127.0.0.1, one client to the per-client cast limit; that limit is off
// here (on a fast machine the flood alone would use the address's share), since this test is
// about the check queue; the limit is tested in client-limits.test.ts.
beforeAll(async () => {
  service = await startTestService({ env: { PIAOJUE_CAST_QUEUE_PER_VOTE: '8', PIAOJUE_CAST_QUEUE_TOTAL: '16', PIAOJUE_RATE_LIMIT_CAST: '0' } });
});
afterAll(async () => service?.close());

/** Casts as the outbox does: the same body again after Retry-After while the answer is 503 or the network failed. */
async function castUntilAnswered(ballot: Ballot): Promise<{ status: number; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    let r;
    try {
      r = await castBallot(service.url, ballot);
    } catch {
      await new Promise((res) => setTimeout(res, 200));
      continue;
    }
    if (r.status !== 503) return { status: r.status, attempts };
    expect(r.body.code).toBe('cast_queue_full');
    await new Promise((res) => setTimeout(res, Number(r.headers.get('retry-after')) * 1000));
  }
}

describe('garbage flood', () => {
  it('accepts every member’s ballot while 24 clients flood the vote with garbage, and accepts none of the garbage', async () => {
    const admin = await adminSession(service);
    const { c, def } = await meetingWithVote(admin, '洪水委员会', NAMES.slice(0, 12));
    const tokens = [];
    for (const m of c.members) tokens.push(await obtainToken(m, def));
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);

    let flooding = true;
    const garbage = new Map<string, number>();
    const attacker = async () => {
      // An attacker ignores Retry-After: the next garbage ballot goes as soon as an answer comes.
      while (flooding) {
        const r = await castBallot(service.url, garbageBallot(def)).catch(() => undefined);
        const code = r ? String(r.body?.code ?? r.status) : 'network';
        garbage.set(code, (garbage.get(code) ?? 0) + 1);
      }
    };
    const attackers = Array.from({ length: 24 }, attacker);
    await new Promise((r) => setTimeout(r, 300));
    const members = await Promise.all(tokens.map((t) => castUntilAnswered(buildBallot(t, allApprove(def)))));
    flooding = false;
    await Promise.all(attackers);

    expect(members.map((m) => m.status)).toEqual(tokens.map(() => 201));
    // The flood overflowed the queue (so the test exercised refusal), and nothing but refusals came back to it.
    expect(garbage.get('cast_queue_full') ?? 0).toBeGreaterThan(0);
    // (all_returned: once every member has cast, garbage is refused without a check.)
    expect(['all_returned', 'cast_queue_full', 'invalid_signature']).toEqual(expect.arrayContaining([...garbage.keys()]));
    expect(garbage.get('invalid_signature') ?? 0).toBeGreaterThan(0);
    const status = await new Api(service.url).get(`/v1/votes/${def.voteId}/status`);
    expect(status.body.turnout).toEqual({ issued: tokens.length, returned: tokens.length });
  });
});
