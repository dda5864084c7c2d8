// The embedded database on a full disk: /readyz says so (it tries a write), and a start on a
// full disk stops with a message about disk space instead of a WebAssembly abort. The disk is
// a small tmpfs of the test's own, so this needs permission to mount one (root in CI).
import { afterEach, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Api } from '../helpers/client.ts';
import { serve } from '../helpers/spawn.ts';

const run = promisify(execFile);

const cannotMount: string | false = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'mounting a small tmpfs needs root on Linux';
  return spawnSync('mount', ['--version']).error ? 'mount is not available' : false;
})();

const mounted: string[] = [];
afterEach(async () => {
  for (const m of mounted.splice(0)) await run('umount', ['-l', m]).catch(() => undefined);
});

async function smallDisk(megabytes: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'piaojue-disk-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0700`, 'tmpfs', dir]);
  mounted.push(dir);
  return dir;
}

/** Writes a file until the disk refuses (ENOSPC). */
async function fill(dir: string): Promise<string> {
  const file = join(dir, 'filler');
  const h = await open(file, 'w');
  const chunk = Buffer.alloc(1 << 20);
  try {
    for (;;) await h.write(chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    await h.close().catch(() => undefined);
  }
  return file;
}

describe.skipIf(cannotMount)(cannotMount ? `a full disk (skipped: ${cannotMount})` : 'a full disk', () => {
  it('makes /readyz answer 503 until space is freed', async () => {
    const disk = await smallDisk(96);
    const served = serve(join(disk, 'data'), { PIAOJUE_CRYPTO_THREADS: '0' });
    const { url } = await served.ready;
    try {
      expect((await new Api(url).get('/readyz')).status).toBe(200);
      const filler = await fill(disk);
      const full = await new Api(url).get('/readyz');
      expect(full.status).toBe(503);
      expect(full.body).toMatchObject({ status: 'not_ready', storage: false });
      await rm(filler);
      const again = await new Api(url).get('/readyz');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: 'ready', storage: true });
    } finally {
      await served.stop();
    }
  }, 180_000);

  it('stops a start on a full disk with a message about disk space', async () => {
    const disk = await smallDisk(8);
    await fill(disk);
    const served = serve(join(disk, 'data'), { PIAOJUE_CRYPTO_THREADS: '0' });
    let stderr = '';
    served.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => served.child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/no room|disk space|free space/i);
    expect(stderr).toContain(join(disk, 'data'));
    expect(stderr).not.toMatch(/RuntimeError|Aborted\(\)|ErrnoError|\n\s+at /);
  }, 90_000);
});
