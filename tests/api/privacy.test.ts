// After a vote, everything the service stores — every row of every table — is dumped and
// searched: nothing ties a member to a ballot, and ballots carry no order of arrival.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote, NAMES } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken, closeAndPublish } from '../helpers/voting.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  // In-process crypto here (the other API tests use the worker pool): both paths are exercised.
  service = await startTestService({ env: { PIAOJUE_CRYPTO_THREADS: '0' } });
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

async function dumpAll(): Promise<Record<string, Record<string, unknown>[]>> {
  const tables = await service.ctx.db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const { table_name } of tables) out[table_name] = await service.ctx.db.query(`SELECT * FROM ${table_name}`);
  return out;
}

describe('privacy of the ballot', () => {
  it('stores nothing that joins a member to a ballot', async () => {
    const { c, def } = await meetingWithVote(admin, '保密测试委员会', NAMES.slice(0, 7));
    const tokens = [];
    for (const m of c.members) tokens.push(await obtainToken(m, def));
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const receipts = [];
    for (const [i, t] of tokens.entries()) receipts.push((await cast(service.url, t, approveOnly(def, i % 2 ? ['王一'] : []))).body);
    // While the vote is open the database holds no readable choice: not the marks, not the
    // token signatures (which, with the hash, would let one test guesses of the marks).
    const whileOpen = JSON.stringify((await dumpAll())['ballots']);
    expect(whileOpen).not.toMatch(/approve|disapprove|abstain/);
    for (const t of tokens) expect(whileOpen.includes(t.signature)).toBe(false);
    await closeAndPublish(c.secretary, c.members, def.voteId);

    const dump = await dumpAll();
    // Every value a ballot is known by: the token, its signature, the ballot hash and the receipt.
    const ballotValues = [
      ...tokens.flatMap((t) => ['ballotPublicKey' in t ? t.ballotPublicKey : t.t, t.signature]),
      ...receipts.flatMap((r) => [r.ballotHash, r.receipt]),
    ];
    // The one-time ballot secret keys never leave the devices.
    const everything = JSON.stringify(dump);
    for (const t of tokens) if ('ballotSecretKey' in t) expect(everything.includes(t.ballotSecretKey)).toBe(false);
    const memberIds = new Set(c.members.map((m) => m.personId));
    for (const [table, rows] of Object.entries(dump)) {
      for (const fullRow of rows) {
        // A vote's prepared close is the vote.closed entry to be (checked with it below).
        const { prepared: _, ...row } = table === 'votes' ? fullRow : { ...fullRow, prepared: undefined };
        const text = JSON.stringify(row);
        const namesMember = [...memberIds].some((id) => text.includes(id));
        const namesBallot = ballotValues.some((v) => text.includes(v));
        // No row anywhere holds both a member and a ballot value…
        if (table !== 'chain_entries') expect({ table, both: namesMember && namesBallot }).toEqual({ table, both: false });
      }
    }
    // …and in the record, ballots and issuances sit in one entry but share no value: the
    // issuance holds blinded points, which blinding makes independent of the tokens.
    const closed = dump['chain_entries']!.map((r) => JSON.parse(r['entry'] as string)).find((e) => e.kind === 'vote.closed' && e.body.voteId === def.voteId);
    const issuanceText = JSON.stringify(closed.body.issuances);
    expect(ballotValues.some((v) => issuanceText.includes(v))).toBe(false);
    const prepared = JSON.parse(dump['votes']!.find((v) => v['id'] === def.voteId)!['prepared'] as string);
    expect(prepared.issuances).toEqual(closed.body.issuances);
    // Confirmations name members, never a ballot value.
    const confirmationText = JSON.stringify([closed.body.confirmations, dump['vote_confirmations']]);
    expect(ballotValues.some((v) => confirmationText.includes(v))).toBe(false);
    for (const row of dump['token_issuances']!) {
      expect(tokens.some((t) => t.signature === row['blind_signature'])).toBe(false);
    }

    // Ballot rows: no member, no device, no time, no serial number.
    const columns = await service.ctx.db.query<{ column_name: string; data_type: string; column_default: string | null }>(
      "SELECT column_name, data_type, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'ballots' ORDER BY ordinal_position",
    );
    expect(columns.map((col) => col.column_name)).toEqual(['vote_id', 'token', 'ballot_hash', 'ballot', 'receipt']);
    expect(columns.filter((col) => /time|date|serial|int/.test(col.data_type) || col.column_default !== null)).toEqual([]);
    // The issuance table records THAT a member received a token, with no time either.
    const issuanceColumns = (
      await service.ctx.db.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'token_issuances' ORDER BY ordinal_position",
      )
    ).map((col) => col.column_name);
    expect(issuanceColumns).toEqual(['vote_id', 'person_id', 'device_id', 'blinded_point', 'device_signature', 'blind_signature']);

    // The record lists ballots by hash, not by arrival.
    const hashes = closed.body.ballots.map((b: unknown) => JSON.stringify(b));
    expect(hashes).toHaveLength(7);
    const published = receipts.map((r) => r.ballotHash).sort();
    const { ballotHash } = await import('../../src/protocol/ballot.ts');
    expect(closed.body.ballots.map(ballotHash)).toEqual(published);
  });

  it('keeps each vote key sealed: the database never holds the BLS secret in the clear', async () => {
    const rows = await service.ctx.db.query<{ id: string; secret_key_sealed: string }>('SELECT id, secret_key_sealed FROM votes');
    expect(rows.length).toBeGreaterThan(0);
    const { openVoteSecret } = await import('../../src/votes/sealing.ts');
    const { toBase64url, bytesToHex } = await import('../../src/protocol/encoding.ts');
    const everything = JSON.stringify(await dumpAll());
    for (const row of rows) {
      const secret = openVoteSecret(service.ctx.keys, row.id, row.secret_key_sealed);
      expect(secret).toHaveLength(32);
      expect(everything.includes(toBase64url(secret))).toBe(false);
      expect(everything.includes(bytesToHex(secret))).toBe(false);
    }
  });

  it('writes nothing to the console on the cast path', async () => {
    const logs: unknown[] = [];
    const orig = { log: console.log, error: console.error, warn: console.warn, info: console.info };
    console.log = console.error = console.warn = console.info = (...a: unknown[]) => void logs.push(a);
    try {
      const r = await new Api(service.url).post('/v1/ballots', { voteId: 'x', t: 'y', signature: 'z', choices: {} });
      expect(r.status).toBe(422);
    } finally {
      Object.assign(console, orig);
    }
    expect(logs).toEqual([]);
  });
});
