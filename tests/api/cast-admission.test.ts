// Admission control on the anonymous cast route: cheap refusals come before any pairing (vote
// not open, 收回 already equal to 发出, malformed, a re-sent ballot already recorded), the
// parsed vote definition is kept while the vote is open instead of read on every cast, and a
// bounded number of verifications per vote and in all answers 503 cast_queue_full with
// Retry-After when full, after which the same ballot is accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote, NAMES } from '../helpers/world.ts';
import { castBallot, obtainToken } from '../helpers/voting.ts';
import { castState } from '../../src/votes/admission.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';
import { buildBallot, type Token } from '../../src/protocol/member-ballot.ts';
import { allApprove, garbageBallot } from '../../testkit/garbage-ballots.ts';

let service: TestService;
let admin: Session;
/** Tokens sent to a pairing check (alone or in a batch), and a gate that holds the checks while set. */
let pairings = 0;
let gate: Promise<void> | undefined;
const sql: string[] = [];

beforeAll(async () => {
  service = await startTestService({ env: { PIAOJUE_CAST_QUEUE_PER_VOTE: '2', PIAOJUE_CAST_QUEUE_TOTAL: '3' } });
  admin = await adminSession(service);
  const crypto = service.ctx.crypto;
  const run = crypto.run.bind(crypto);
  crypto.run = (async (op: string, ...args: unknown[]) => {
    if (op === 'verifyToken' || op === 'verifyTokenBatch') {
      pairings += op === 'verifyToken' ? 1 : (args[1] as unknown[]).length;
      await gate;
    }
    return (run as (op: string, ...a: unknown[]) => Promise<unknown>)(op, ...args);
  }) as typeof crypto.run;
  const db = service.ctx.db;
  const query = db.query.bind(db);
  db.query = (text: string, params?: unknown[]) => {
    sql.push(text);
    return query(text, params);
  };
});
afterAll(async () => service?.close());

async function openVote(name: string, members: number): Promise<{ def: VoteDefinition; tokens: Token[] }> {
  const { c, def } = await meetingWithVote(admin, name, NAMES.slice(0, members));
  const tokens: Token[] = [];
  for (const m of c.members) tokens.push(await obtainToken(m, def));
  await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
  return { def, tokens };
}

describe('cheap refusals before any pairing', () => {
  it('refuses a ballot once 收回 equals 发出 with 409 all_returned, without a pairing', async () => {
    const { def, tokens } = await openVote('收回已满委员会', 2);
    for (const t of tokens) expect((await castBallot(service.url, buildBallot(t, allApprove(def)))).status).toBe(201);
    const before = pairings;
    const r = await castBallot(service.url, garbageBallot(def));
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('all_returned');
    expect(pairings).toBe(before);
  });

  it('answers an identical re-sent ballot with its receipt without a pairing, even once 收回 equals 发出', async () => {
    const { def, tokens } = await openVote('重发委员会', 1);
    const ballot = buildBallot(tokens[0]!, allApprove(def));
    const first = await castBallot(service.url, ballot);
    expect(first.status).toBe(201);
    const before = pairings;
    const again = await castBallot(service.url, ballot);
    expect(again.status).toBe(200);
    expect(again.body.receipt).toBe(first.body.receipt);
    expect(pairings).toBe(before);
  });

  it('reads and parses the vote definition once while the vote is open, not on every cast', async () => {
    const { def } = await openVote('定义缓存委员会', 2);
    await castBallot(service.url, garbageBallot(def));
    sql.length = 0;
    for (let i = 0; i < 3; i++) expect((await castBallot(service.url, garbageBallot(def))).body.code).toBe('invalid_signature');
    expect(sql.filter((q) => /SELECT \*|definition/.test(q))).toEqual([]);
  });
});

describe('bounded verification queue', () => {
  it('answers 503 cast_queue_full with Retry-After when the vote has its share of verifications in flight, and accepts the ballot sent again', async () => {
    const { def, tokens } = await openVote('排队委员会', 1);
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    // Wait until both held casts have taken their places in the vote's share (admitted, their
    // token checks running behind the gate or gathered into the next batch behind it): only
    // then is the share certainly taken. Waiting for "any pairing" plus a pause let the member's
    // ballot in first on a slow machine, and it then hung behind the gate.
    const { admission } = castState(service.ctx);
    const held = [castBallot(service.url, garbageBallot(def)), castBallot(service.url, garbageBallot(def))];
    while (admission.pending(def.voteId) < 2) await new Promise((r) => setTimeout(r, 10));
    const member = buildBallot(tokens[0]!, allApprove(def));
    const full = await castBallot(service.url, member);
    expect(full.status).toBe(503);
    expect(full.body.code).toBe('cast_queue_full');
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    release();
    gate = undefined;
    for (const r of await Promise.all(held)) expect(r.body.code).toBe('invalid_signature');
    expect((await castBallot(service.url, member)).status).toBe(201);
  });

  it('bounds verifications across votes too (PIAOJUE_CAST_QUEUE_TOTAL)', async () => {
    const a = await openVote('总队列甲委员会', 1);
    const b = await openVote('总队列乙委员会', 1);
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    const { admission } = castState(service.ctx);
    const held = [castBallot(service.url, garbageBallot(a.def)), castBallot(service.url, garbageBallot(a.def)), castBallot(service.url, garbageBallot(b.def))];
    while (admission.pending() < 3) await new Promise((r) => setTimeout(r, 10));
    const full = await castBallot(service.url, buildBallot(b.tokens[0]!, allApprove(b.def)));
    expect(full.status).toBe(503);
    expect(full.body.code).toBe('cast_queue_full');
    release();
    gate = undefined;
    await Promise.all(held);
  });
});
