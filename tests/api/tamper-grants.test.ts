// Attacks on who may act, each replayed against the service over HTTP with the database written
// directly where the attack needs it: the published record must then fail verification with
// the attack's own code. (The untouched record of the same flow passes.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, enrolAndLogin, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, NAMES, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken, rng } from '../helpers/voting.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';
import type { VoteRecord } from '../../src/protocol/chain.ts';
import { verifyRecord, type VerificationCode } from '../../src/protocol/verifier.ts';

let service: TestService;
let admin: Session;
let jwks: { keys: unknown[] };

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
  jwks = (await new Api(service.url).get('/.well-known/jwks.json')).body;
});
afterAll(async () => service?.close());

const failed = async (record: unknown) =>
  (await verifyRecord(record, { jwks: jwks as never, randomBytes: rng })).checks.filter((c) => !c.ok).map((c) => c.code as VerificationCode);

/**
 * A meeting run by `secretary` (who may not be the committee's appointed secretary: the
 * attacks below make someone act as one): a vote, everyone present, `voters` take a token
 * and cast, close, and the published record. `beforeTokens` runs between creation and sign-in.
 */
async function meeting(
  c: CommitteeFixture,
  secretary: Session,
  options: { voters?: () => Session[]; beforeTokens?: (def: VoteDefinition) => Promise<void>; openFirst?: boolean } = {},
): Promise<VoteRecord> {
  const meetingId = (await secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
  const created = await secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王小洪'] }] });
  expect(created.status).toBe(201);
  const def: VoteDefinition = created.body.definition;
  await secretary.api.post(`/v1/meetings/${meetingId}/open`);
  await secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
  // The vote's vote.created entry is appended when it opens (issue 12).
  if (options.openFirst) expect((await secretary.api.post(`/v1/votes/${def.voteId}/open`)).status).toBe(200);
  await options.beforeTokens?.(def);
  const voters = options.voters?.() ?? c.members;
  const tokens = [];
  for (const m of voters) tokens.push(await obtainToken(m, def));
  if (!options.openFirst) expect((await secretary.api.post(`/v1/votes/${def.voteId}/open`)).status).toBe(200);
  for (const t of tokens) expect((await cast(service.url, t, approveOnly(def, ['王小洪']))).status).toBe(201);
  expect((await closeAndPublish(secretary, voters, def.voteId)).status).toBe(200);
  return (await new Api(service.url).get(`/v1/votes/${def.voteId}/record`)).body;
}

describe('grants of power, attacked through the database', () => {
  it('passes the untouched record of the same flow', async () => {
    const c = await createCommittee(admin, '对照委员会', NAMES.slice(0, 4));
    expect(await failed(await meeting(c, c.secretary))).toEqual([]);
  });

  it('fails a ballot cast with a token from a device enrolled after the vote was created in the record, at its opening (issuance_device_late)', async () => {
    const c = await createCommittee(admin, '后登记设备委员会', NAMES.slice(0, 4));
    const victim = c.members[0]!;
    let intruder: Session | undefined;
    const record = await meeting(c, c.secretary, {
      openFirst: true,
      beforeTokens: async (def) => {
        // The vote is open (its definition in the record): the service refuses to enrol a
        // device for its members, so the attacker hides the vote from that check …
        const code = (await admin.api.post(`/v1/people/${victim.personId}/enrolment-codes`)).body.code;
        await service.ctx.db.query("UPDATE votes SET state = 'closed' WHERE id = $1", [def.voteId]);
        intruder = await enrolAndLogin(new Api(service.url), code);
        await service.ctx.db.query("UPDATE votes SET state = 'open' WHERE id = $1", [def.voteId]);
        // … the service refuses this device a token for a vote older than the device …
        await expect(obtainToken(intruder, def)).rejects.toThrow(/409.*device_too_new/);
        // … so the attacker back-dates the device in the database.
        await service.ctx.db.query("UPDATE devices SET enrolled_at = enrolled_at - interval '1 day' WHERE id = $1", [intruder.deviceId]);
      },
      voters: () => [intruder!, ...c.members.slice(1)],
    });
    expect(await failed(record)).toEqual(['issuance_device_late']);
  });

  it('fails a vote created, and attendance recorded, by a secretary whose appointment is not on the chain (actor_not_secretary)', async () => {
    const c = await createCommittee(admin, '无任命秘书委员会', NAMES.slice(0, 4));
    // The administrator makes themself secretary by writing the database: no chain entry.
    await service.ctx.db.query('INSERT INTO committee_secretaries (committee_id, person_id) VALUES ($1, $2)', [c.id, admin.personId]);
    const record = await meeting(c, admin);
    expect(await failed(record)).toEqual(['actor_not_secretary']);
  });

  it('fails a vote whose rules differ from the committee’s rules on the chain (rules_mismatch)', async () => {
    const c = await createCommittee(admin, '规则不符委员会', NAMES.slice(0, 4));
    // 过半数 of 实到 instead of 应到, changed in the database after the committee was recorded.
    await service.ctx.db.query(`UPDATE committees SET rules = jsonb_set(rules, '{majorityBase}', '"present"') WHERE id = $1`, [c.id]);
    const record = await meeting(c, c.secretary);
    expect(await failed(record)).toEqual(['rules_mismatch']);
  });
});
