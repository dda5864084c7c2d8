// `node bin/piaojue.js` runs the compiled dist/ (vitest's globalSetup rebuilds it when the
// sources changed). Without its build, it stops with a message saying what to run: no dist/ at
// all, or a dist/ without the web bundle (the service refuses to start, before any database is
// opened, rather than fail at a browser's first request).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inputsHash } from '../../scripts/build.mjs';
import { cliEnv } from '../helpers/spawn.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A checkout holding bin/, package.json, node_modules and whichever parts of dist/ are given. */
async function checkout(dir: string, dist: (from: string, to: string) => Promise<void>) {
  await mkdir(dir, { recursive: true });
  await cp(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  await cp(join(ROOT, 'package.json'), join(dir, 'package.json'));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  await dist(join(ROOT, 'dist'), join(dir, 'dist'));
}

const run = (dir: string, args: string[], data: string) =>
  promisify(execFile)('node', [join(dir, 'bin/piaojue.js'), ...args], { cwd: dir, env: cliEnv({ PIAOJUE_DATA_DIR: data, PORT: '0', HOST: '127.0.0.1' }) }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe('the built command', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'piaojue-build-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs from dist/, which vitest rebuilt from these sources', async () => {
    expect(existsSync(join(ROOT, 'dist/cli/main.js'))).toBe(true);
    expect(await readFile(join(ROOT, 'bin/piaojue.js'), 'utf8')).toContain("'../dist/cli/main.js'");
    expect(JSON.parse(await readFile(join(ROOT, 'dist/build-stamp.json'), 'utf8')).inputs).toBe(inputsHash());
  });

  it('without dist/ says to run npm run build, and exits 1', async () => {
    const at = join(dir, 'unbuilt');
    await checkout(at, async () => {});
    const r = await run(at, ['--help'], join(dir, 'data-unbuilt'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^piaojue: not built \(.*dist\/cli\/main\.js is missing\)\. Run `npm run build`/);
  });

  it('serve without the web bundle refuses to start, names npm run build, and creates no database', async () => {
    const at = join(dir, 'no-web');
    await checkout(at, (from, to) =>
      cp(from, to, { recursive: true, filter: (src) => !src.startsWith(join(from, 'web', 'assets')) && src !== join(from, 'web', 'manifest.json') }),
    );
    const data = join(dir, 'data-no-web');
    const r = await run(at, ['serve'], data);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^piaojue: cannot start: The web client is not built: .*dist\/web\/manifest\.json is missing\. Run `npm run build`/);
    expect(existsSync(data)).toBe(false);
  });
});
