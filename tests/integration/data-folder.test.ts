// The embedded database's folder is private: no other local account may read the WAL (it
// holds ballot tokens on their way to the tables) or write the catalog.
import { describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, enrolAndLogin } from '../helpers/client.ts';
import { serve } from '../helpers/spawn.ts';

/** Every path under dir (dir included) whose mode gives the group or others any access. */
async function opened(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (p: string) => {
    const s = await stat(p);
    if ((s.mode & 0o077) !== 0) found.push(`${p} ${(s.mode & 0o777).toString(8)}`);
    if (s.isDirectory()) for (const e of await readdir(p)) await walk(join(p, e));
  };
  await walk(dir);
  return found;
}

describe('the data folder', () => {
  it('is created 0700 and nothing in it is open to other accounts once the service stops', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'piaojue-private-'));
    await chmod(parent, 0o755);
    const dir = join(parent, 'data');
    const served = serve(dir);
    const { url, code } = await served.ready;
    try {
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, 'pg'))).mode & 0o777).toBe(0o700);
      // Some writes, so the database creates files while it runs.
      const admin = await enrolAndLogin(new Api(url), code!);
      expect((await admin.api.post('/v1/committees', { name: '私密委员会', kind: 'standing' })).status).toBe(201);
    } finally {
      await served.stop();
    }
    expect(await opened(dir)).toEqual([]);
  }, 180_000);

  it('tightens a folder an earlier version left open', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'piaojue-private-'));
    const dir = join(parent, 'data');
    const first = serve(dir);
    await first.ready;
    await first.stop();
    await chmod(dir, 0o755);
    await chmod(join(dir, 'pg'), 0o755);
    await writeFile(join(dir, 'pg', 'left-open'), 'x', { mode: 0o666 });
    await chmod(join(dir, 'pg', 'left-open'), 0o666);
    await mkdir(join(dir, 'pg', 'open-dir'), { mode: 0o777 });
    await chmod(join(dir, 'pg', 'open-dir'), 0o777);
    const second = serve(dir);
    await second.ready;
    try {
      expect(await opened(dir)).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 180_000);
});
