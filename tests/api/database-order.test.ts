// What a database administrator can read from the order of rows (issue 12, metadata). Played as
// the attack: members recorded present at different times cast in sequence, and the
// "administrator" reads the system columns of ballots and token issuances — each row's
// transaction id (xmin) and its place in the table (ctid) — to match a late arrival's token
// issuance to the ballot that follows it. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, NAMES } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken } from '../helpers/voting.ts';
import { castState } from '../../src/votes/admission.ts';
import type { MixedBallot } from '../../src/votes/ballot-mixer.ts';
import { insertBallots } from '../../src/votes/queries.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';
import type { Token } from '../../src/protocol/member-ballot.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  // The service's own defaults for mixing (the other API tests shorten the wait).
  service = await startTestService({ env: { PIAOJUE_BALLOT_MIX_MS: '600', PIAOJUE_BALLOT_MIX_SIZE: '64' } });
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

const tokenOf = (t: Token) => ('ballotPublicKey' in t ? t.ballotPublicKey : t.t);

/** What the administrator reads: system columns, as numbers and (page, item) pairs. */
async function ballotRows(voteId: string): Promise<{ xid: bigint; page: number; item: number; token: string }[]> {
  const rows = await service.ctx.db.query<{ xid: string; ctid: string; token: string }>(
    'SELECT xmin::text AS xid, ctid::text AS ctid, token FROM ballots WHERE vote_id = $1',
    [voteId],
  );
  return rows.map((r) => {
    const [page, item] = r.ctid.slice(1, -1).split(',').map(Number) as [number, number];
    return { xid: BigInt(r.xid), page, item, token: r.token };
  });
}

async function issuanceXids(voteId: string): Promise<Map<string, bigint>> {
  const rows = await service.ctx.db.query<{ xid: string; person_id: string }>('SELECT xmin::text AS xid, person_id FROM token_issuances WHERE vote_id = $1', [
    voteId,
  ]);
  return new Map(rows.map((r) => [r.person_id, BigInt(r.xid)]));
}

/** The attack: the ballots written by the first transaction after the member's issuance. */
function firstBallotsAfter(ballots: { xid: bigint; token: string }[], issued: bigint): string[] {
  const later = ballots.filter((b) => b.xid > issued);
  const first = later.reduce((m, b) => (b.xid < m ? b.xid : m), later[0]!.xid);
  return later.filter((b) => b.xid === first).map((b) => b.token);
}

describe('what the database order reveals', () => {
  let c: Awaited<ReturnType<typeof createCommittee>>;
  let meetingId: string;
  let def: VoteDefinition;

  beforeAll(async () => {
    c = await createCommittee(admin, '库序委员会', NAMES.slice(0, 8));
    meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    def = (await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body
      .definition;
    await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
  });

  it('writes a batch in the order given, in one transaction', async () => {
    // insertBallots is what the mixer calls with its shuffled batch: the table keeps that order.
    const { c: other, def: d } = await (async () => {
      const o = await createCommittee(admin, '库序委员会二', NAMES.slice(0, 1));
      const m = (await o.secretary.api.post(`/v1/committees/${o.id}/meetings`, { title: '会议' })).body.id;
      const v = (await o.secretary.api.post(`/v1/meetings/${m}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body
        .definition as VoteDefinition;
      await o.secretary.api.post(`/v1/meetings/${m}/open`);
      await o.secretary.api.put(`/v1/meetings/${m}/attendance`, { present: o.members.map((x) => x.personId) });
      await o.secretary.api.post(`/v1/votes/${v.voteId}/open`);
      return { c: o, def: v };
    })();
    expect(other.members).toHaveLength(1);
    const rows: MixedBallot[] = ['c', 'a', 'e', 'b', 'd'].map((k) => ({
      voteId: d.voteId,
      token: `token-${k}`,
      ballotHash: `hash-${k}`,
      ballot: 'sealed',
      receipt: 'r',
    }));
    const inserted = await insertBallots(service.ctx.db, d.voteId, rows);
    expect([...inserted].sort()).toEqual(rows.map((r) => r.token).sort());
    const stored = (await ballotRows(d.voteId)).sort((x, y) => x.page - y.page || x.item - y.item);
    expect(stored.map((r) => r.token)).toEqual(rows.map((r) => r.token));
    expect(new Set(stored.map((r) => r.xid)).size).toBe(1);
    // A token already recorded inserts nothing, the rest of its batch still goes in.
    const again = await insertBallots(service.ctx.db, d.voteId, [rows[0]!, { ...rows[0]!, token: 'token-f' }]);
    expect([...again]).toEqual(['token-f']);
  });

  it('a late arrival’s ballot shares its transaction with the ballots cast beside it; alone, it stands out', async () => {
    const mixer = castState(service.ctx).ballots;
    const early = c.members.slice(0, 6);
    const [late1, late2] = [c.members[6]!, c.members[7]!];
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: early.map((m) => m.personId) });
    const tokens = new Map<Session, Token>();
    for (const m of early) tokens.set(m, await obtainToken(m, def));
    expect((await c.secretary.api.post(`/v1/votes/${def.voteId}/open`)).status).toBe(200);
    const castAll = async (members: Session[]) => {
      const replies = await Promise.all(members.map((m, i) => cast(service.url, tokens.get(m)!, approveOnly(def, i % 2 ? ['王一'] : []))));
      for (const r of replies) expect(r.status).toBe(201);
      // Acknowledged means committed: every receipt's ballot is already in the table.
      const stored = new Set((await ballotRows(def.voteId)).map((b) => b.token));
      for (const m of members) expect(stored.has(tokenOf(tokens.get(m)!))).toBe(true);
    };
    // The batches are cut by size here, so that which casts share one does not depend on how
    // fast this machine checks them; in service, by the random deadline or the size.
    mixer.options.maxWaitMs = 600_000;
    mixer.options.size = 2;
    await castAll(early.slice(0, 2));
    // The first late arrival is recorded present, fetches a token and casts at once, as two of
    // the early members cast too.
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: [...early, late1].map((m) => m.personId) });
    tokens.set(late1, await obtainToken(late1, def));
    mixer.options.size = 3;
    await castAll([late1, ...early.slice(2, 4)]);
    // The second casts while no one else does.
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: [...early, late1, late2].map((m) => m.personId) });
    tokens.set(late2, await obtainToken(late2, def));
    mixer.options.size = 1;
    await castAll([late2]);
    mixer.options.size = 2;
    await castAll(early.slice(4, 6));

    const ballots = await ballotRows(def.voteId);
    expect(ballots).toHaveLength(8);
    const issued = await issuanceXids(def.voteId);
    // The administrator's guess for the first late arrival: three ballots of one transaction,
    // which the table keeps in a random order. The late arrival's is among them, unmarked.
    const guess1 = firstBallotsAfter(ballots, issued.get(late1.personId)!);
    expect(guess1.sort()).toEqual([late1, ...early.slice(2, 4)].map((m) => tokenOf(tokens.get(m)!)).sort());
    // Each batch is one transaction: four transactions for eight ballots.
    const byXid = new Map<bigint, number>();
    for (const b of ballots) byXid.set(b.xid, (byXid.get(b.xid) ?? 0) + 1);
    expect([...byXid.values()].sort()).toEqual([1, 2, 2, 3]);
    // What remains: a member who casts alone in a batch is alone in its transaction, the first
    // after their issuance — the service cannot hide a ballot among none (docs/PROTOCOL.md).
    expect(firstBallotsAfter(ballots, issued.get(late2.personId)!)).toEqual([tokenOf(tokens.get(late2)!)]);
  });

  it('ballots and token issuances carry no time, no serial number and no default', async () => {
    for (const table of ['ballots', 'token_issuances', 'attendance']) {
      const columns = await service.ctx.db.query<{ column_name: string; data_type: string; column_default: string | null }>(
        'SELECT column_name, data_type, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
        [table],
      );
      expect(columns.length).toBeGreaterThan(0);
      expect({ table, timeOrSerial: columns.filter((col) => /time|date|serial|int/.test(col.data_type) || col.column_default !== null) }).toEqual({
        table,
        timeOrSerial: [],
      });
    }
  });
});
