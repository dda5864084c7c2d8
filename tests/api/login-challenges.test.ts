// Login challenges live two minutes and are used once; expired and used ones are purged
// rather than kept forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, login, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession } from '../helpers/world.ts';
import { deviceMessage } from '../../src/protocol/device-key.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

const stored = async (id: string) => (await service.ctx.db.query('SELECT 1 FROM login_challenges WHERE id = $1', [id])).length;

describe('login challenges', () => {
  it('refuses an expired challenge and purges expired and used ones', async () => {
    const api = new Api(service.url);
    const expired = (await api.post('/v1/auth/challenge', { deviceId: admin.deviceId })).body;
    const used = (await api.post('/v1/auth/challenge', { deviceId: admin.deviceId })).body;
    const signature = await admin.device.sign(
      deviceMessage('piaojue/v1/login', { challenge: used.challenge, challengeId: used.challengeId, deviceId: admin.deviceId }),
    );
    expect((await api.post('/v1/auth/token', { challengeId: used.challengeId, signature })).status).toBe(200);

    service.advance(3 * 60 * 1000);
    const late = await admin.device.sign(
      deviceMessage('piaojue/v1/login', { challenge: expired.challenge, challengeId: expired.challengeId, deviceId: admin.deviceId }),
    );
    const refused = await api.post('/v1/auth/token', { challengeId: expired.challengeId, signature: late });
    expect([refused.status, refused.body.code]).toEqual([401, 'challenge_invalid']);

    // The next login purges both; it works as usual.
    expect((await login(api, admin.deviceId, admin.device)).status).toBe(200);
    expect(await stored(expired.challengeId)).toBe(0);
    expect(await stored(used.challengeId)).toBe(0);
  });
});
