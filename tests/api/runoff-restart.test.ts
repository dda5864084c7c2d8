import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../helpers/client.ts';
import { startTestService } from '../helpers/service.ts';
import { adminSession, createCommittee, meetingWithVote, NAMES } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken, rng, closeAndPublish } from '../helpers/voting.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { loadConfig } from '../../src/config.ts';
import { generateServiceKeys } from '../../src/keys.ts';
import { startService } from '../../src/server.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';

describe('run-off', () => {
  it('leaves a tie at the last seat undecided and runs off the tied candidates', async () => {
    const service = await startTestService();
    try {
      const admin = await adminSession(service);
      const c = await createCommittee(admin, '五人委员会', NAMES.slice(0, 5));
      const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
      const def: VoteDefinition = (
        await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
          title: '副主任人选',
          items: [{ post: '副主任', seats: 2, candidates: ['丙三', '甲一', '乙二'] }],
        })
      ).body.definition;
      await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
      await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
      const tokens = [];
      for (const m of c.members) tokens.push(await obtainToken(m, def));
      // A run-off cannot start before the vote is closed.
      expect((await c.secretary.api.post(`/v1/votes/${def.voteId}/runoff`)).body.code).toBe('invalid_state');
      await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
      const plans = [
        ['甲一', '乙二'],
        ['甲一', '乙二'],
        ['甲一', '丙三'],
        ['甲一', '丙三'],
        ['乙二', '丙三'],
      ];
      for (const [i, plan] of plans.entries()) expect((await cast(service.url, tokens[i]!, approveOnly(def, plan))).status).toBe(201);
      const { tally } = (await closeAndPublish(c.secretary, c.members, def.voteId)).body;
      const item = tally.items[0];
      const byName = Object.fromEntries(item.candidates.map((x: { name: string; approve: number; outcome: string }) => [x.name, [x.approve, x.outcome]]));
      expect(byName).toEqual({ 甲一: [4, 'elected'], 乙二: [3, 'undecided'], 丙三: [3, 'undecided'] });
      expect(item.undecidedSeats).toBe(1);
      const runoff = await c.secretary.api.post(`/v1/votes/${def.voteId}/runoff`);
      expect(runoff.status).toBe(201);
      expect(runoff.body.runoffOf).toBe(def.voteId);
      expect(runoff.body.definition.items).toEqual([
        {
          itemId: 'i1',
          post: '副主任',
          seats: 1,
          candidates: [
            { candidateId: 'c1', name: '乙二' },
            { candidateId: 'c2', name: '丙三' },
          ],
        },
      ]);
      // Tokens for the run-off are available at once to the members present.
      const t = await obtainToken(c.members[0]!, runoff.body.definition);
      expect(t.voteId).toBe(runoff.body.id);
    } finally {
      await service.close();
    }
  });
});

describe('restart mid-vote', () => {
  it('keeps issuing and counting with the same key after the service restarts', async () => {
    const db = await createTestDatabase();
    const keys = await generateServiceKeys();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', PIAOJUE_LOG: 'silent', PIAOJUE_DATA_DIR: await mkdtemp(join(tmpdir(), 'piaojue-restart-')) });
    let service = await startService(config, { db, keys });
    try {
      const admin = await adminSession({ ...service, adminCode: service.firstAdmin!.code, advance() {} });
      const { c, def } = await meetingWithVote(admin, '重启测试委员会', NAMES.slice(0, 4));
      const first = [await obtainToken(c.members[0]!, def), await obtainToken(c.members[1]!, def)];
      await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
      expect((await cast(service.url, first[0]!, approveOnly(def, ['王一']))).status).toBe(201);

      await service.close();
      service = await startService(config, { db, keys });
      const url = service.url;
      const again = (s: (typeof c.members)[number]) => ({ ...s, api: new Api(url, s.token) });
      const rest = [await obtainToken(again(c.members[2]!), def), await obtainToken(again(c.members[3]!), def)];
      for (const t of [first[1]!, ...rest]) expect((await cast(url, t, approveOnly(def, ['王一']))).status).toBe(201);
      const closed = await closeAndPublish(again(c.secretary), c.members.map(again), def.voteId);
      expect(closed.body.tally).toMatchObject({ issued: 4, returned: 4 });
      expect(closed.body.tally.items[0].candidates[0]).toMatchObject({ approve: 4, outcome: 'elected' });
      const record = (await new Api(url).get(`/v1/votes/${def.voteId}/record`)).body;
      expect((await verifyRecord(record, { jwks: keys.jwks, randomBytes: rng })).ok).toBe(true);
    } finally {
      await service.close();
      await db.close();
    }
  });
});

describe('devices in the record', () => {
  it('records every enrolment and revocation of a member in the committee chain', async () => {
    const service = await startTestService();
    try {
      const admin = await adminSession(service);
      const c = await createCommittee(admin, '设备记录委员会', ['王一']);
      const member = c.members[0]!;
      await admin.api.post(`/v1/devices/${member.deviceId}/revoke`);
      const chain = (await new Api(service.url).get(`/v1/committees/${c.id}/chain`)).body.entries;
      const deviceEntries = chain
        .filter((e: { kind: string }) => e.kind.startsWith('device.'))
        .map((e: { kind: string; body: { memberId: string } }) => [e.kind, e.body.memberId]);
      expect(deviceEntries).toEqual([
        ['device.enrolled', member.personId],
        ['device.revoked', member.personId],
      ]);
      const fingerprint = chain.find((e: { kind: string }) => e.kind === 'device.enrolled').body.fingerprint;
      const devices = (await admin.api.get(`/v1/people/${member.personId}/devices`)).body.devices;
      expect(devices.map((d: { fingerprint: string }) => d.fingerprint)).toEqual([fingerprint]);
    } finally {
      await service.close();
    }
  });
});
