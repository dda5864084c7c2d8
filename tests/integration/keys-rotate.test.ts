// `piaojue keys rotate` as an operator runs it, on the embedded database: with the key in the
// data folder (the files are replaced, the old key kept as retired), and with the key in
// PIAOJUE_SIGNING_KEY (the new values go to --out). Afterwards the service starts with the new
// key and publishes both; the old configuration is refused with a message.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../helpers/client.ts';
import { cliEnv as env, serve } from '../helpers/spawn.ts';
import { generateServiceKeys } from '../../src/keys.ts';

const run = (args: string[], extra: Record<string, string>) =>
  promisify(execFile)('node', ['bin/piaojue.js', ...args], { env: env(extra) }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('piaojue keys rotate', () => {
  it('replaces the data folder key, keeps the old one as retired, and the service then publishes both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-rotate-'));
    expect((await run(['admin', 'bootstrap'], { PIAOJUE_DATA_DIR: dir })).code).toBe(0);
    const old = JSON.parse(await readFile(join(dir, 'signing-key.json'), 'utf8')) as { x: string };
    const rotated = await run(['keys', 'rotate'], { PIAOJUE_DATA_DIR: dir });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('service key rotated');
    expect(rotated.stdout).toContain('retired-keys.json');
    const now = JSON.parse(await readFile(join(dir, 'signing-key.json'), 'utf8')) as { x: string };
    expect(now.x).not.toBe(old.x);
    expect(JSON.parse(await readFile(join(dir, 'retired-keys.json'), 'utf8'))).toEqual([old]);
    expect((await stat(join(dir, 'retired-keys.json'))).mode & 0o777).toBe(0o600);
    const [, newKid, oldKid] = /active key is now (\S+); (\S+) is retired/.exec(rotated.stdout)!;
    const served = serve(dir);
    try {
      const { url } = await served.ready;
      const jwks = (await new Api(url).get('/.well-known/jwks.json')).body;
      expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([newKid, oldKid]);
    } finally {
      await served.stop();
    }
  }, 120_000);

  it('with PIAOJUE_SIGNING_KEY: needs --out, writes the new values there, and the old key is then refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-rotate-env-'));
    const a = await generateServiceKeys();
    const oldEnv = { PIAOJUE_DATA_DIR: dir, PIAOJUE_SIGNING_KEY: JSON.stringify(a.privateJwk) };
    expect((await run(['admin', 'bootstrap'], oldEnv)).code).toBe(0);
    const noOut = await run(['keys', 'rotate'], oldEnv);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--out');
    const taken = join(dir, 'taken.env');
    await writeFile(taken, 'x');
    expect((await run(['keys', 'rotate', '--out', taken], oldEnv)).code).toBe(2);

    const out = join(dir, 'new-keys.env');
    const rotated = await run(['keys', 'rotate', '--out', out], oldEnv);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(out);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const values = Object.fromEntries(
      (await readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(Object.keys(values)).toEqual(['PIAOJUE_SIGNING_KEY', 'PIAOJUE_RETIRED_KEYS']);
    expect(JSON.parse(values.PIAOJUE_RETIRED_KEYS!)).toEqual([a.privateJwk]);

    const refused = await run(['admin', 'bootstrap'], oldEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${a.kid} was retired by \`piaojue keys rotate\``);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect((await run(['admin', 'bootstrap'], { PIAOJUE_DATA_DIR: dir, ...values })).code).toBe(0);
  }, 120_000);
});
