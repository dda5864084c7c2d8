import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, base64url } from 'jose';
import { generateServiceKeys } from '../../src/keys.ts';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession } from '../helpers/world.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

const claims = () => ({ did: admin.deviceId });
const now = () => Math.floor(Date.now() / 1000);

async function expect401(token: string) {
  const r = await new Api(service.url, token).get('/v1/me');
  expect(r.status).toBe(401);
  expect(r.body.code).toBe('token_invalid');
}

describe('access tokens', () => {
  it('accepts the token the service issued', async () => {
    expect((await admin.api.get('/v1/me')).status).toBe(200);
  });

  it('refuses alg: none', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
    const payload = base64url.encode(JSON.stringify({ ...claims(), sub: admin.personId, iss: 'piaojue', aud: 'piaojue-api', exp: now() + 600 }));
    await expect401(`${header}.${payload}.`);
  });

  it('refuses an HS256 token keyed with the public key', async () => {
    const x = base64url.decode(service.ctx.keys.publicJwk.x!);
    for (const secret of [x, new TextEncoder().encode(JSON.stringify(service.ctx.keys.publicJwk))]) {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: service.ctx.keys.kid })
        .setSubject(admin.personId)
        .setIssuer('piaojue')
        .setAudience('piaojue-api')
        .setExpirationTime(now() + 600)
        .sign(secret);
      await expect401(token);
    }
  });

  it('refuses an expired token', async () => {
    service.advance(16 * 60 * 1000);
    try {
      const r = await admin.api.get('/v1/me');
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('token_invalid');
      expect(r.body.detail).toMatch(/expired/);
    } finally {
      service.advance(-16 * 60 * 1000);
    }
  });

  it('refuses a wrong audience and a wrong issuer', async () => {
    for (const [iss, aud] of [
      ['piaojue', 'another-api'],
      ['someone-else', 'piaojue-api'],
    ] as const) {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: service.ctx.keys.kid })
        .setSubject(admin.personId)
        .setIssuer(iss)
        .setAudience(aud)
        .setExpirationTime(now() + 600)
        .sign(service.ctx.keys.privateKey);
      await expect401(token);
    }
  });

  it('refuses a token signed by another key', async () => {
    const other = await generateServiceKeys();
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: service.ctx.keys.kid })
      .setSubject(admin.personId)
      .setIssuer('piaojue')
      .setAudience('piaojue-api')
      .setExpirationTime(now() + 600)
      .sign(other.privateKey);
    await expect401(token);
  });

  it('refuses a token without an expiry, and a malformed header', async () => {
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
      .setSubject(admin.personId)
      .setIssuer('piaojue')
      .setAudience('piaojue-api')
      .sign(service.ctx.keys.privateKey);
    await expect401(token);
    const r = await new Api(service.url).req('GET', '/v1/me', undefined, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('token_invalid');
  });

  it('answers a route that needs a token with 401 unauthenticated when there is none', async () => {
    const r = await new Api(service.url).get('/v1/me');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthenticated');
  });
});
