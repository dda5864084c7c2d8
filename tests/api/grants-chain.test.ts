// Every grant of power is a chain entry, and the service refuses the enrolments that would let
// someone vote in a member's stead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, Device, enrolAndLogin, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, meetingWithVote, NAMES } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken, requestToken, rng, closeAndPublish } from '../helpers/voting.ts';
import type { ChainEntry, VoteRecord } from '../../src/protocol/chain.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import { recordGrantsInOffice } from '../../src/committees/service.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

const chain = async (committeeId: string): Promise<ChainEntry[]> => (await new Api(service.url).get(`/v1/committees/${committeeId}/chain`)).body.entries;
const kinds = (entries: ChainEntry[]) => entries.map((e) => e.kind);
const newCode = async (personId: string) => (await admin.api.post(`/v1/people/${personId}/enrolment-codes`)).body.code as string;

describe('grants of power on the chain', () => {
  it('records the administrators, the appointment and removal of a secretary, and each enrolment code, naming the administrator', async () => {
    const c = await createCommittee(admin, '授权委员会', NAMES.slice(0, 2));
    const entries = await chain(c.id);
    expect(kinds(entries).slice(0, 3)).toEqual(['committee.created', 'admin.granted', 'secretary.appointed']);
    expect(entries[1]!.body).toEqual({ personId: admin.personId });
    expect(entries[2]!.body).toEqual({ personId: c.secretary.personId, by: admin.personId });
    // A code issued for a member: the entry names member and administrator, never the code.
    const code = await newCode(c.members[0]!.personId);
    const after = await chain(c.id);
    expect(after.at(-1)).toMatchObject({ kind: 'enrolment.issued', body: { memberId: c.members[0]!.personId, by: admin.personId } });
    expect(JSON.stringify(after)).not.toContain(code);
    expect(JSON.stringify(after)).not.toContain(code.replace(/-/g, ''));
    expect((await admin.api.delete(`/v1/committees/${c.id}/secretaries/${c.secretary.personId}`)).status).toBe(204);
    expect((await chain(c.id)).at(-1)).toMatchObject({ kind: 'secretary.removed', body: { personId: c.secretary.personId, by: admin.personId } });
    expect((await admin.api.get(`/v1/committees/${c.id}/secretaries`)).body.secretaries).toEqual([]);
    const again = await admin.api.delete(`/v1/committees/${c.id}/secretaries/${c.secretary.personId}`);
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 404, code: 'not_found' });
  });

  it('writes a new vote as protocol version 2, naming its secretary, and marks a run-off with the vote it follows', async () => {
    const { c, def } = await meetingWithVote(admin, '版本委员会', NAMES.slice(0, 5), [
      {
        post: '副主任',
        seats: 2,
        candidates: [{ name: '丙三', currentPost: '某镇镇长' }, '甲一', { name: '乙二', currentPost: '某局副局长', proposedPost: '副主任（正科级）' }],
      },
    ]);
    expect(def).toMatchObject({ version: 2, runoffOf: null });
    // 乙二 and 丙三 tie for the second seat: the run-off names the vote it follows.
    const tokens = [];
    for (const m of c.members) tokens.push(await obtainToken(m, def));
    expect((await chain(c.id)).find((e) => e.kind === 'vote.created')).toBeUndefined();
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    // The vote enters the record when it opens, naming the secretary who opened it.
    const created = (await chain(c.id)).find((e) => e.kind === 'vote.created')!;
    expect((created.body as { by?: string }).by).toBe(c.secretary.personId);
    const plans = [
      ['甲一', '乙二'],
      ['甲一', '乙二'],
      ['甲一', '丙三'],
      ['甲一', '丙三'],
      ['乙二', '丙三'],
    ];
    for (const [i, t] of tokens.entries()) await cast(service.url, t, approveOnly(def, plans[i]!));
    await closeAndPublish(c.secretary, c.members, def.voteId);
    const runoff = await c.secretary.api.post(`/v1/votes/${def.voteId}/runoff`);
    expect(runoff.status).toBe(201);
    expect(runoff.body.definition).toMatchObject({ version: 2, runoffOf: def.voteId });
    // The tied candidates keep the posts the first ballot showed.
    expect(runoff.body.definition.items[0].candidates.map(({ candidateId: _, ...rest }: { candidateId: string }) => rest)).toEqual([
      { name: '乙二', currentPost: '某局副局长', proposedPost: '副主任（正科级）' },
      { name: '丙三', currentPost: '某镇镇长' },
    ]);
    // Its record verifies: it is exactly the run-off the first vote's tally calls for.
    const rdef = runoff.body.definition;
    const rtokens = [];
    for (const m of c.members) rtokens.push(await obtainToken(m, rdef));
    await c.secretary.api.post(`/v1/votes/${rdef.voteId}/open`);
    for (const t of rtokens) await cast(service.url, t, approveOnly(rdef, ['乙二']));
    await closeAndPublish(c.secretary, c.members, rdef.voteId);
    const record: VoteRecord = (await new Api(service.url).get(`/v1/votes/${rdef.voteId}/record`)).body;
    const jwks = (await new Api(service.url).get('/.well-known/jwks.json')).body;
    const report = await verifyRecord(record, { jwks, randomBytes: rng });
    expect(report.checks.filter((x) => !x.ok)).toEqual([]);
    expect(report.checks.find((x) => x.id === 'rules')!.detail).toMatch(/run-off of vote/);
  });
});

describe('enrolment while a vote is under way', () => {
  it('refuses (409 enrolment_blocked) while a vote of the member’s committee is open, and leaves the code usable', async () => {
    const { c, def } = await meetingWithVote(admin, '开放表决委员会', NAMES.slice(0, 3));
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    const code = await newCode(c.members[0]!.personId);
    const before = (await chain(c.id)).length;
    const refused = await new Api(service.url).post('/v1/enrol', { code, device: (await Device.create('Ed25519')).publicKey });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'enrolment_blocked' });
    expect((await chain(c.id)).length).toBe(before);
    await closeAndPublish(c.secretary, c.members, def.voteId);
    // After the close the same code enrols.
    await enrolAndLogin(new Api(service.url), code);
  });

  it('refuses while a draft vote has tokens out, allows it in a draft with none, and then refuses that device a token', async () => {
    const { c, def } = await meetingWithVote(admin, '草稿表决委员会', NAMES.slice(0, 3));
    // No token out yet: enrolment goes through …
    const fresh = await enrolAndLogin(new Api(service.url), await newCode(c.members[0]!.personId));
    // … but the new device gets no token for the older vote.
    const { reply } = await requestToken(fresh, def.voteId);
    expect({ status: reply.status, code: reply.body.code }).toEqual({ status: 409, code: 'device_too_new' });
    // Another member takes a token with their old device: now enrolment waits for the close.
    await obtainToken(c.members[1]!, def);
    const code = await newCode(c.members[2]!.personId);
    const refused = await new Api(service.url).post('/v1/enrol', { code, device: (await Device.create('ES256')).publicKey });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'enrolment_blocked' });
  });
});

describe('enrolment codes', () => {
  it('spends a person’s outstanding code when a new one is issued', async () => {
    const c = await createCommittee(admin, '换码委员会', NAMES.slice(0, 1));
    const first = await newCode(c.members[0]!.personId);
    const second = await newCode(c.members[0]!.personId);
    const old = await new Api(service.url).post('/v1/enrol', { code: first, device: (await Device.create('Ed25519')).publicKey });
    expect({ status: old.status, code: old.body.code }).toEqual({ status: 401, code: 'enrolment_code_invalid' });
    await enrolAndLogin(new Api(service.url), second);
  });

  it('spends a person’s other outstanding codes when one is used', async () => {
    const c = await createCommittee(admin, '用码委员会', NAMES.slice(0, 1));
    const personId = c.members[0]!.personId;
    const first = await newCode(personId);
    // A code left over from before this rule (two outstanding at once), written directly.
    await service.ctx.db.query('UPDATE enrolment_codes SET used_at = NULL WHERE person_id = $1', [personId]);
    const second = await newCode(personId);
    await service.ctx.db.query('UPDATE enrolment_codes SET used_at = NULL WHERE person_id = $1', [personId]);
    await enrolAndLogin(new Api(service.url), second);
    const other = await new Api(service.url).post('/v1/enrol', { code: first, device: (await Device.create('Ed25519')).publicKey });
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 401, code: 'enrolment_code_invalid' });
  });
});

describe('chains begun before grants were recorded', () => {
  it('get, once, an entry for every administrator and every secretary in office', async () => {
    const c = await createCommittee(admin, '旧链委员会', NAMES.slice(0, 1));
    // A committee as version 1 left it: a chain without admin.granted (written directly).
    const old = (
      await service.ctx.db.query<{ id: string }>(
        "INSERT INTO committees (name, kind, rules, visibility) SELECT '旧委员会', kind, rules, visibility FROM committees WHERE id = $1 RETURNING id",
        [c.id],
      )
    )[0]!.id;
    await service.ctx.db.query("INSERT INTO chain_heads (committee_id, seq, hash) VALUES ($1, -1, repeat('0', 64))", [old]);
    await service.ctx.db.query('INSERT INTO committee_secretaries (committee_id, person_id) VALUES ($1, $2)', [old, c.secretary.personId]);
    await recordGrantsInOffice(service.ctx);
    const entries = await chain(old);
    expect(entries.map((e) => [e.kind, e.body])).toEqual([
      ['admin.granted', { personId: admin.personId }],
      ['secretary.appointed', { personId: c.secretary.personId, by: admin.personId }],
    ]);
    await recordGrantsInOffice(service.ctx);
    expect((await chain(old)).length).toBe(2);
  });
});

describe('strings the record could not hash', () => {
  it('refuses a name holding a lone surrogate with 400 validation_failed, and records nothing', async () => {
    const c = await createCommittee(admin, '代理项委员会', NAMES.slice(0, 1));
    const before = (await chain(c.id)).length;
    const r = await admin.api.post(`/v1/committees/${c.id}/members`, { name: '王\ud800' });
    expect({ status: r.status, code: r.body.code, field: r.body.field }).toEqual({ status: 400, code: 'validation_failed', field: 'name' });
    expect((await chain(c.id)).length).toBe(before);
    const s = await admin.api.post(`/v1/committees/${c.id}/secretaries`, { name: '\udc00秘书' });
    expect({ status: s.status, code: s.body.code }).toEqual({ status: 400, code: 'validation_failed' });
  });
});
