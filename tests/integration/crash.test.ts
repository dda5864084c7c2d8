// A process killed mid-request loses nothing it acknowledged: every ballot answered 201 before
// SIGKILL is there after the restart, the chain is intact, and the vote closes and verifies.
// The requests in flight at the kill are held there by PIAOJUE_TEST_HOLD, not timed by a sleep.
import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, enrolAndLogin } from '../helpers/client.ts';
import { serve } from '../helpers/spawn.ts';
import { meetingWithVote } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken, rng } from '../helpers/voting.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';

describe('a crash mid-request', () => {
  it('keeps every acknowledged ballot and a consistent chain on the embedded database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-crash-'));
    // Casts after the 15th are recorded and then held before their answer (PIAOJUE_TEST_HOLD):
    // certainly in flight when the process is killed.
    const first = serve(dir, { PIAOJUE_TEST_HOLD: 'castBallot.recorded:15' });
    const { url, code } = await first.ready;
    const admin = await enrolAndLogin(new Api(url), code!);
    const { c, def } = await meetingWithVote(
      admin,
      '崩溃测试委员会',
      Array.from({ length: 30 }, (_, i) => `委员${i}`),
    );
    const tokens = [];
    for (const m of c.members) tokens.push(await obtainToken(m, def));
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);

    // Fifteen casts answered (acknowledged), then fifteen sent at once and killed in flight.
    const acknowledged: string[] = [];
    for (const t of tokens.slice(0, 15)) {
      const r = await cast(url, t, approveOnly(def, ['王一']));
      expect(r.status).toBe(201);
      acknowledged.push(r.body.ballotHash);
    }
    const inflight = tokens.slice(15).map((t) =>
      cast(url, t, approveOnly(def, ['王一']))
        .then((r) => {
          if (r.status === 201) acknowledged.push(r.body.ballotHash);
        })
        .catch(() => undefined),
    );
    await first.printedOnStderr('piaojue: test hold at castBallot.recorded', 15);
    first.child.kill('SIGKILL');
    await Promise.all(inflight);
    expect(acknowledged).toHaveLength(15);

    const second = serve(dir);
    const again = await second.ready;
    try {
      const status = await new Api(again.url).get(`/v1/votes/${def.voteId}/status`);
      expect(status.body.turnout.returned).toBeGreaterThanOrEqual(acknowledged.length);
      // The tokens whose cast was cut off can still be cast (or were recorded): retry them all.
      for (const t of tokens) {
        const r = await cast(again.url, t, approveOnly(def, ['王一']));
        expect([200, 201]).toContain(r.status);
      }
      const on = (x: typeof c.secretary) => ({ ...x, api: new Api(again.url, x.token) });
      const closed = await closeAndPublish(on(c.secretary), c.members.map(on), def.voteId);
      expect(closed.body.tally.returned).toBe(30);
      const record = (await new Api(again.url).get(`/v1/votes/${def.voteId}/record`)).body;
      const jwks = (await new Api(again.url).get('/.well-known/jwks.json')).body;
      expect((await verifyRecord(record, { jwks, randomBytes: rng })).ok).toBe(true);
      const { findBallotInRecord } = await import('../../src/protocol/member-ballot.ts');
      for (const hash of acknowledged) expect(findBallotInRecord(record, hash)).not.toBeNull();
    } finally {
      await second.stop();
    }
  }, 180_000);
});
