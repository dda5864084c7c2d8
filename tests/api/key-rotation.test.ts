// Service key rotation: a vote opened and cast under key A, the key rotated to B, the service
// started again with B (A retired): the vote closes — opening ballots sealed under A (with its
// key id, and in the form from before key ids existed) and under B — the meeting closes, and the
// record and the receipts signed under A verify against the JWKS, which now lists both keys.
// Starts with a key the database does not know, or without a retired key it lists, are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, login } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote, NAMES } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken, rng } from '../helpers/voting.ts';
import { generateServiceKeys, rotatedServiceKeys, withRetiredKeys, type ServiceKeys } from '../../src/keys.ts';
import { StartupError } from '../../src/db/database.ts';
import { rotateServiceKey, serviceKeyIds } from '../../src/db/service-key.ts';
import { verifyReceipt } from '../../src/protocol/receipt.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';
import type { CommitteeFixture } from '../helpers/world.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { bindServiceKey } from '../../src/db/service-key.ts';

let a: TestService; // the instance on key A, started before the rotation
let b: TestService | undefined; // the instance started after it, on key B with A retired
let keysA: ServiceKeys;
let keysB: ServiceKeys;
let c: CommitteeFixture;
let meetingId: string;
let def: VoteDefinition;
const receiptsA: string[] = [];
let tokensLeft: Awaited<ReturnType<typeof obtainToken>>[] = [];

const refusal = (keys: ServiceKeys) =>
  startTestService({ sameDatabaseAs: a, keys }).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: unknown) => e as Error,
  );

beforeAll(async () => {
  a = await startTestService();
  keysA = a.ctx.keys;
  const admin = await adminSession(a);
  ({ c, meetingId, def } = await meetingWithVote(admin, '换钥委员会', NAMES.slice(0, 5), [{ post: '主任', seats: 1, candidates: ['甲', '乙'] }]));
  const tokens = [];
  for (const m of c.members.slice(0, 4)) tokens.push(await obtainToken(m, def));
  expect((await c.secretary.api.post(`/v1/votes/${def.voteId}/open`)).status).toBe(200);
  for (const [i, t] of tokens.slice(0, 3).entries()) {
    const r = await cast(a.url, t, approveOnly(def, [i === 2 ? '乙' : '甲']));
    expect(r.status).toBe(201);
    receiptsA.push(r.body.receipt);
  }
  // What key A sealed names it; one ballot and the vote secret are put back in the form written
  // before key ids existed, as a database from an earlier version holds them.
  const sealed = await a.ctx.db.query<{ token: string; ballot: string }>('SELECT token, ballot FROM ballots WHERE vote_id = $1 ORDER BY token', [def.voteId]);
  expect(sealed.every((r) => r.ballot.startsWith(`${keysA.kid}.`))).toBe(true);
  await a.ctx.db.query('UPDATE ballots SET ballot = $3 WHERE vote_id = $1 AND token = $2', [
    def.voteId,
    sealed[0]!.token,
    sealed[0]!.ballot.slice(keysA.kid.length + 1),
  ]);
  await a.ctx.db.query("UPDATE votes SET secret_key_sealed = substr(secret_key_sealed, strpos(secret_key_sealed, '.') + 1) WHERE id = $1", [def.voteId]);

  keysB = await rotatedServiceKeys(keysA);
  await rotateServiceKey(a.ctx.db, keysA, keysB);
  tokensLeft = tokens.slice(3);
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('service key rotation', () => {
  it('records the rotation in the database: B active, A retired', async () => {
    expect(keysB.kid).not.toBe(keysA.kid);
    expect(await serviceKeyIds(a.ctx.db)).toEqual({ active: keysB.kid, retired: [keysA.kid] });
  });

  it('refuses a start with the retired key A as the active key, saying it was rotated', async () => {
    const refused = await refusal(keysA);
    expect(refused).toBeInstanceOf(StartupError);
    expect(refused!.message).toContain(`${keysA.kid} was retired`);
    expect(refused!.message).toContain(keysB.kid);
  });

  it('refuses a start with a key the database does not know, naming both keys', async () => {
    const other = await generateServiceKeys();
    const refused = await refusal(other);
    expect(refused).toBeInstanceOf(StartupError);
    expect(refused!.message).toContain(`belongs to the service key ${keysB.kid}`);
    expect(refused!.message).toContain(other.kid);
  });

  it('refuses a start with B that lacks the retired key A, or holds a retired key the database does not know', async () => {
    const withoutA = await withRetiredKeys(keysB, []);
    const lacking = await refusal(withoutA);
    expect(lacking).toBeInstanceOf(StartupError);
    expect(lacking!.message).toContain(`lacks the retired service key(s) ${keysA.kid}`);
    const stranger = await generateServiceKeys();
    const extra = await refusal(await withRetiredKeys(keysB, [...keysB.retired, stranger]));
    expect(extra).toBeInstanceOf(StartupError);
    expect(extra!.message).toContain(`holds the retired service key(s) ${stranger.kid}`);
  });

  it('starts with B and A retired, and publishes both keys in the JWKS, the active one first', async () => {
    b = await startTestService({ sameDatabaseAs: a, keys: keysB });
    const jwks = (await new Api(b.url).get('/.well-known/jwks.json')).body;
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([keysB.kid, keysA.kid]);
    expect(jwks.keys.every((k: Record<string, unknown>) => k.d === undefined)).toBe(true);
  });

  it('issues a token after the rotation from the vote secret A sealed (legacy form), and takes ballots sealed under B', async () => {
    const member = c.members[4]!;
    const session = await login(new Api(b!.url), member.deviceId, member.device);
    expect(session.status).toBe(200);
    const late = await obtainToken({ ...member, api: new Api(b!.url, session.body.accessToken) }, def);
    for (const t of [tokensLeft[0]!, late]) expect((await cast(b!.url, t, approveOnly(def, ['甲']))).status).toBe(201);
    const rows = await b!.ctx.db.query<{ ballot: string }>('SELECT ballot FROM ballots WHERE vote_id = $1', [def.voteId]);
    expect(rows.filter((x) => x.ballot.startsWith(`${keysB.kid}.`))).toHaveLength(2);
    expect(rows.filter((x) => x.ballot.startsWith(`${keysA.kid}.`))).toHaveLength(2);
    expect(rows.filter((x) => !x.ballot.includes('.'))).toHaveLength(1);
  });

  it('closes the vote and the meeting opened under A, and the record verifies against the JWKS with both keys', async () => {
    // Access tokens signed with A are not taken any more (only the active key signs them): the secretary logs in again.
    expect((await new Api(b!.url, c.secretary.token).get('/v1/me')).status).toBe(401);
    const session = await login(new Api(b!.url), c.secretary.deviceId, c.secretary.device);
    expect(session.status).toBe(200);
    const secretary = new Api(b!.url, session.body.accessToken);
    // The members' devices (which confirm the close, and two countersign it) log in again too.
    const relogin = async (m: CommitteeFixture['secretary']) => ({
      ...m,
      api: new Api(b!.url, (await login(new Api(b!.url), m.deviceId, m.device)).body.accessToken),
    });
    const members = await Promise.all(c.members.map(relogin));
    expect((await closeAndPublish({ ...c.secretary, api: secretary }, members, def.voteId)).body.vote.state).toBe('closed');
    expect((await secretary.post(`/v1/meetings/${meetingId}/close`)).status).toBe(200);

    const api = new Api(b!.url);
    const record = (await api.get(`/v1/votes/${def.voteId}/record`)).body;
    const jwks = (await api.get('/.well-known/jwks.json')).body;
    const report = await verifyRecord(record, { jwks, randomBytes: rng });
    expect(report.checks.filter((x) => !x.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    // The tally is signed with B; the receipts signed with A before the rotation still verify.
    const closed = record.entries.at(-1);
    expect(closed.kind).toBe('vote.closed');
    const header = JSON.parse(Buffer.from(String(closed.body.tallySignature).split('.')[0]!, 'base64url').toString());
    expect(header.kid).toBe(keysB.kid);
    for (const receipt of receiptsA) {
      const [h] = receipt.split('.');
      expect(JSON.parse(Buffer.from(h!, 'base64url').toString()).kid).toBe(keysA.kid);
      expect((await verifyReceipt(receipt, jwks)).voteId).toBe(def.voteId);
    }
  });
});

describe('a database from before key rotation', () => {
  it('keeps the key migration 0005 recorded as the active key, and starts with it', async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      const all = await loadMigrations();
      await migrate(
        db,
        all.filter((m) => m.version <= 5),
      );
      const keys = await generateServiceKeys();
      await db.query('INSERT INTO service_key (kid) VALUES ($1)', [keys.kid]);
      await migrate(db, all);
      expect(await serviceKeyIds(db)).toEqual({ active: keys.kid, retired: [] });
      await bindServiceKey(db, keys);
      await expect(bindServiceKey(db, await generateServiceKeys())).rejects.toThrow(StartupError);
    } finally {
      await db.close();
    }
  });
});
