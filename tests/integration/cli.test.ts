// The service as a new user meets it: `piaojue serve` on a fresh data folder, the first-start
// code, the key file, a restart, `admin bootstrap` and `migrate`. Always on the embedded
// database (the DATABASE_URL path is the same code, exercised by every API test in CI's
// second pass).
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, enrolAndLogin } from '../helpers/client.ts';
import { cliEnv as env, serve } from '../helpers/spawn.ts';

describe('the piaojue command', () => {
  it('starts on a fresh data folder, keeps its key 0600, and survives a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-cli-'));
    const first = serve(dir);
    const { url, code } = await first.ready;
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    const api = new Api(url);
    expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
    const kid = (await api.get('/.well-known/jwks.json')).body.keys[0].kid;
    expect((await stat(join(dir, 'signing-key.json'))).mode & 0o777).toBe(0o600);
    const admin = await enrolAndLogin(api, code!);
    await first.stop();

    const second = serve(dir);
    const again = await second.ready;
    expect(again.code).toBeUndefined(); // the administrator exists: no new code
    const api2 = new Api(again.url);
    expect((await api2.get('/.well-known/jwks.json')).body.keys[0].kid).toBe(kid);
    // The old access token is still valid: same key, same data.
    expect((await new Api(again.url, admin.token).get('/v1/me')).body.isAdmin).toBe(true);
    await second.stop();

    const boot = await promisify(execFile)('node', ['bin/piaojue.js', 'admin', 'bootstrap'], { env: env({ PIAOJUE_DATA_DIR: dir }) });
    const fresh = /([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})/.exec(boot.stdout)?.[1];
    expect(fresh).toBeDefined();
    const migrate = await promisify(execFile)('node', ['bin/piaojue.js', 'migrate'], { env: env({ PIAOJUE_DATA_DIR: dir }) });
    expect(migrate.stdout).toMatch(/up to date/);

    const third = serve(dir);
    const t = await third.ready;
    try {
      const second_device = await enrolAndLogin(new Api(t.url), fresh!, 'Ed25519');
      expect(second_device.personId).toBe(admin.personId);
    } finally {
      await third.stop();
    }
  }, 120_000);

  it("admin bootstrap and migrate refuse, with exit code 2, while a running service holds the embedded data folder; a killed service's lock is taken over", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-cli-lock-'));
    const running = serve(dir);
    const { url, code } = await running.ready;
    try {
      expect(readFileSync(join(dir, 'piaojue.lock'), 'utf8').trim()).toBe(String(running.child.pid));
      const boot = await promisify(execFile)('node', ['bin/piaojue.js', 'admin', 'bootstrap'], { env: env({ PIAOJUE_DATA_DIR: dir }) }).catch(
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(boot).toMatchObject({ code: 2, stdout: '' });
      expect((boot as { stderr: string }).stderr).toContain(`in use by another piaojue process (pid ${running.child.pid})`);
      expect((boot as { stderr: string }).stderr).toContain('--admin-key');
      const migrate = await promisify(execFile)('node', ['bin/piaojue.js', 'migrate'], { env: env({ PIAOJUE_DATA_DIR: dir }) }).catch(
        (e: { code: number }) => e,
      );
      expect(migrate).toMatchObject({ code: 2 });
      // The running service was not disturbed: its first-start code still enrols.
      expect((await enrolAndLogin(new Api(url), code!)).personId).toBeDefined();
    } finally {
      running.child.kill('SIGKILL');
      await running.stop();
    }
    // A service that died without releasing the folder does not hold it any more.
    const boot = await promisify(execFile)('node', ['bin/piaojue.js', 'admin', 'bootstrap'], { env: env({ PIAOJUE_DATA_DIR: dir }) });
    expect(boot.stdout).toMatch(/[0-9A-Z]{4}(-[0-9A-Z]{4}){4}/);
    await expect(stat(join(dir, 'piaojue.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 120_000);

  it('refuses, with exit code 1 and a message, to run on a database first used with another service key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-cli-key-'));
    await promisify(execFile)('node', ['bin/piaojue.js', 'admin', 'bootstrap'], { env: env({ PIAOJUE_DATA_DIR: dir }) });
    const own = JSON.parse(readFileSync(join(dir, 'signing-key.json'), 'utf8')) as { x: string };
    const { generateServiceKeys } = await import('../../src/keys.ts');
    const other = await generateServiceKeys();
    const refused = await promisify(execFile)('node', ['bin/piaojue.js', 'admin', 'bootstrap'], {
      env: env({ PIAOJUE_DATA_DIR: dir, PIAOJUE_SIGNING_KEY: JSON.stringify(other.privateJwk) }),
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot start');
    expect(refused.stderr).toContain(other.kid);
    expect(refused.stderr).toContain('PIAOJUE_SIGNING_KEY');
    expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(own.x).not.toBe(other.privateJwk.x);
  }, 120_000);

  it('sends the administrator to PIAOJUE_PUBLIC_URL on the first start, and warns when links would point to localhost', async () => {
    const local = serve(await mkdtemp(join(tmpdir(), 'piaojue-cli-url-')));
    await local.ready;
    await local.stop();
    expect(local.output()).toMatch(/在 http:\/\/localhost:\d+\/#\/admin 输入此码/);
    expect(local.output()).toContain('这是本机地址，与会人员的手机无法打开');
    expect(local.output()).toContain('Set PIAOJUE_PUBLIC_URL');

    const lan = serve(await mkdtemp(join(tmpdir(), 'piaojue-cli-url-')), { PIAOJUE_PUBLIC_URL: 'https://192.168.1.20:8443/' });
    const { url } = await lan.ready;
    try {
      expect(lan.output()).toContain('在 https://192.168.1.20:8443/#/admin 输入此码');
      expect(lan.output()).not.toContain('PIAOJUE_PUBLIC_URL');
      expect((await new Api(url).get('/v1/site')).body).toEqual({ publicUrl: 'https://192.168.1.20:8443' });
    } finally {
      await lan.stop();
    }
  }, 180_000);

  it('refuses a bad configuration, naming the variable, with exit code 2', async () => {
    const run = promisify(execFile)('node', ['bin/piaojue.js', 'serve'], { env: env({ PORT: 'eighty' }) });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/PORT/) });
  });

  it('takes its signing key from PIAOJUE_SIGNING_KEY when set', async () => {
    const { exportJWK, generateKeyPair, calculateJwkThumbprint } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(privateKey);
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-cli-key-'));
    const served = serve(dir, { PIAOJUE_SIGNING_KEY: JSON.stringify(jwk) });
    const { url } = await served.ready;
    try {
      const key = (await new Api(url).get('/.well-known/jwks.json')).body.keys[0];
      expect(key.kid).toBe(await calculateJwkThumbprint(await exportJWK(publicKey)));
      await expect(stat(join(dir, 'signing-key.json'))).rejects.toThrow();
    } finally {
      await served.stop();
    }
  }, 180_000);
});

describe('HTTPS', () => {
  it('serves over TLS with PIAOJUE_TLS_CERT and PIAOJUE_TLS_KEY (phones need a secure context)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-tls-'));
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    const served = serve(dir, { PIAOJUE_TLS_CERT: join(dir, 'cert.pem'), PIAOJUE_TLS_KEY: join(dir, 'key.pem') });
    const { url } = await served.ready;
    expect(url).toMatch(/^https:/);
    try {
      const https = await import('node:https');
      let hsts: unknown;
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`${url}/healthz`, { ca: readFileSync(join(dir, 'cert.pem')) }, (res) => {
            hsts = res.headers['strict-transport-security'];
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      expect(JSON.parse(body)).toEqual({ status: 'ok' });
      // Browsers that once reached the service over HTTPS never fall back to plain HTTP.
      expect(hsts).toBe('max-age=31536000');
    } finally {
      await served.stop();
    }
  }, 180_000);

  it('refuses a certificate without its key', async () => {
    const run = promisify(execFile)('node', ['bin/piaojue.js', 'serve'], { env: env({ PIAOJUE_TLS_CERT: '/tmp/cert.pem' }) });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/PIAOJUE_TLS_KEY/) });
  });
});
