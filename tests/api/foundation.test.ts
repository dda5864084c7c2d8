import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, Device, enrolAndLogin, login } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, enrolPerson, NAMES } from '../helpers/world.ts';

let service: TestService;
let api: Api;

beforeAll(async () => {
  service = await startTestService();
  api = new Api(service.url);
});
afterAll(async () => service?.close());

describe('health and keys', () => {
  it('serves /healthz, /readyz and the JWKS', async () => {
    expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
    // storage: the embedded database's test write (PostgreSQL mode has no such check).
    expect((await api.get('/readyz')).body).toEqual({
      status: 'ready',
      database: true,
      migrations: true,
      ...(service.ctx.db.kind === 'pglite' ? { storage: true } : {}),
    });
    const jwks = await api.get('/.well-known/jwks.json');
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });
});

describe('bad input gets a coded 4xx', () => {
  it('refuses malformed JSON with 400 malformed_json', async () => {
    const r = await api.req('POST', '/v1/enrol', undefined, { raw: '{"code": ', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ type: 'urn:piaojue:problem:malformed_json', status: 400, code: 'malformed_json' });
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses a non-JSON content type with 415', async () => {
    const r = await api.req('POST', '/v1/enrol', undefined, { raw: 'code=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
    expect(r.body.code).toBe('unsupported_media_type');
  });

  it('refuses a body over the limit with 413', async () => {
    const r = await api.req('POST', '/v1/enrol', undefined, {
      raw: JSON.stringify({ code: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('payload_too_large');
  });

  it('refuses unknown fields, naming the field', async () => {
    const device = await Device.create();
    const r = await api.post('/v1/enrol', { code: 'AAAA', device: device.publicKey, isAdmin: true });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'validation_failed', field: 'isAdmin' });
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    const r = await api.get('/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('route_not_found');
  });

  it('refuses a device key that is not a curve point', async () => {
    const r = await api.post('/v1/enrol', { code: 'AAAA-AAAA', device: { alg: 'ES256', key: 'BA' + 'A'.repeat(85) } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'invalid_key', field: 'device.key' });
  });
});

describe('enrolment and login', () => {
  it('enrols the administrator once with the first-start code, then refuses the code', async () => {
    const admin = await enrolAndLogin(api, service.adminCode);
    const me = await admin.api.get('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ personId: admin.personId, isAdmin: true, name: '管理员' });
    const device = await Device.create('Ed25519');
    const again = await api.post('/v1/enrol', { code: service.adminCode, device: device.publicKey });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('enrolment_code_invalid');
  });

  it('accepts the code typed in lower case without dashes, with an Ed25519 device', async () => {
    const admin = await adminSession({ ...service, adminCode: (await freshAdminCode()).toLowerCase().replace(/-/g, '') });
    expect((await admin.api.get('/v1/me')).body.isAdmin).toBe(true);
  });

  it('refuses an expired enrolment code', async () => {
    const code = await freshAdminCode();
    service.advance(73 * 3600 * 1000);
    try {
      const device = await Device.create();
      const r = await api.post('/v1/enrol', { code, device: device.publicKey });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('enrolment_code_invalid');
    } finally {
      service.advance(-73 * 3600 * 1000);
    }
  });

  it('uses each login challenge once and refuses a wrong signature', async () => {
    const code = await freshAdminCode();
    const device = await Device.create();
    const enrolled = await api.post('/v1/enrol', { code, device: device.publicKey });
    const other = await Device.create();
    const bad = await login(api, enrolled.body.deviceId, other);
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('challenge_invalid');
    const ch = await api.post('/v1/auth/challenge', { deviceId: enrolled.body.deviceId });
    const { deviceMessage } = await import('../../src/protocol/device-key.ts');
    const signature = await device.sign(
      deviceMessage('piaojue/v1/login', { challenge: ch.body.challenge, challengeId: ch.body.challengeId, deviceId: enrolled.body.deviceId }),
    );
    expect((await api.post('/v1/auth/token', { challengeId: ch.body.challengeId, signature })).status).toBe(200);
    const replay = await api.post('/v1/auth/token', { challengeId: ch.body.challengeId, signature });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('challenge_invalid');
  });

  it('shuts a revoked device out at once, and a new code enrols a new device', async () => {
    const admin = await adminSession({ ...service, adminCode: await freshAdminCode() });
    const committee = await createCommittee(admin, '撤销测试委员会', ['周一']);
    const member = committee.members[0]!;
    expect((await member.api.get('/v1/me')).status).toBe(200);
    const revoked = await admin.api.post(`/v1/devices/${member.deviceId}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const after = await member.api.get('/v1/me');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('device_revoked');
    const challenge = await api.post('/v1/auth/challenge', { deviceId: member.deviceId });
    expect(challenge.body.code).toBe('device_revoked');
    const replacement = await enrolPerson(admin, member.personId);
    expect((await replacement.api.get('/v1/me')).body.personId).toBe(member.personId);
    const devices = await replacement.api.get(`/v1/people/${member.personId}/devices`);
    expect(devices.body.devices).toHaveLength(2);
    expect(devices.body.devices.filter((d: { revokedAt: string | null }) => d.revokedAt === null)).toHaveLength(1);
  });
});

describe('committees, meetings, attendance and quorum', () => {
  it('lets a secretary run a meeting with attendance and quorum', async () => {
    const admin = await adminSession({ ...service, adminCode: await freshAdminCode() });
    const c = await createCommittee(admin, '县委常委会', NAMES.slice(0, 11));
    const committee = await admin.api.get(`/v1/committees/${c.id}`);
    expect(committee.body).toMatchObject({
      entitled: 11,
      kind: 'standing',
      rules: {
        quorum: { num: 2, den: 3 },
        majorityBase: 'entitled',
        minCandidateRatio: 1.5,
        marks: ['approve', 'disapprove', 'abstain'],
        collation: 'surname',
      },
    });
    const meeting = await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '第12次常委会' });
    expect(meeting.status).toBe(201);
    expect(meeting.body.state).toBe('draft');
    const id = meeting.body.id;
    // ⌈2/3 × 11⌉ = 8: seven present is short of quorum, eight is enough.
    const seven = await c.secretary.api.put(`/v1/meetings/${id}/attendance`, { present: c.members.slice(0, 7).map((m) => m.personId) });
    expect(seven.body).toMatchObject({ entitled: 11, present: 7, quorumRequired: 8, quorumMet: false });
    const eight = await c.secretary.api.put(`/v1/meetings/${id}/attendance`, { present: c.members.slice(0, 8).map((m) => m.personId) });
    expect(eight.body).toMatchObject({ entitled: 11, present: 8, quorumRequired: 8, quorumMet: true });
    expect((await c.secretary.api.post(`/v1/meetings/${id}/open`)).body.state).toBe('open');
    const seen = await c.members[10]!.api.get(`/v1/committees/${c.id}/meetings`);
    expect(seen.body.meetings.map((m: { id: string }) => m.id)).toEqual([id]);
    expect((await c.members[0]!.api.get(`/v1/meetings/${id}/attendance`)).body.quorumMet).toBe(true);
    expect((await c.secretary.api.post(`/v1/meetings/${id}/close`)).body.state).toBe('closed');
    const late = await c.secretary.api.put(`/v1/meetings/${id}/attendance`, { present: [] });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('invalid_state');
  });

  it('counts the boundary: 6 of 9 is exactly two-thirds and makes quorum', async () => {
    const admin = await adminSession({ ...service, adminCode: await freshAdminCode() });
    const c = await createCommittee(admin, '九人委员会', NAMES.slice(0, 9));
    const m = await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' });
    const six = await c.secretary.api.put(`/v1/meetings/${m.body.id}/attendance`, { present: c.members.slice(0, 6).map((x) => x.personId) });
    expect(six.body).toMatchObject({ entitled: 9, present: 6, quorumRequired: 6, quorumMet: true });
  });

  it('refuses attendance naming someone outside the committee', async () => {
    const admin = await adminSession({ ...service, adminCode: await freshAdminCode() });
    const c = await createCommittee(admin, '甲委员会', NAMES.slice(0, 3));
    const m = await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' });
    const r = await c.secretary.api.put(`/v1/meetings/${m.body.id}/attendance`, { present: [c.members[0]!.personId, admin.personId] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'validation_failed', field: 'present.1' });
    expect((await c.secretary.api.get(`/v1/meetings/${m.body.id}/attendance`)).body.present).toBe(0);
  });
});

async function freshAdminCode(): Promise<string> {
  const { bootstrapAdmin } = await import('../../src/devices/enrolment.ts');
  return (await bootstrapAdmin(service.ctx, { newCode: true }))!.code;
}
