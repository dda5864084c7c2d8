import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/cli/demo.ts';
import { startTestService } from '../helpers/service.ts';

describe('piaojue demo', () => {
  it('runs a meeting against a running service and reads back the tally it cast', async () => {
    const service = await startTestService();
    try {
      const lines: string[] = [];
      const { ok, tally } = await runDemo({ members: 7, url: service.url, adminCode: service.adminCode, log: (l) => lines.push(l) });
      expect(ok).toBe(true);
      expect(tally).toMatchObject({ entitled: 7, present: 5, issued: 5, returned: 5 });
      expect(tally.items[1]!.invalid).toBeGreaterThanOrEqual(1);
      expect(lines.at(-1)).toMatch(/^✓/);
    } finally {
      await service.close();
    }
  });

  it('exits 0 from the command line with its own embedded service and writes the record', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'piaojue-demo-test-')), 'record.json');
    const { stdout } = await promisify(execFile)('node', ['bin/piaojue.js', 'demo', '--members', '5', '--record-out', out], { timeout: 120_000 });
    expect(stdout).toMatch(/✓ the published tally equals/);
    const record = JSON.parse(await readFile(out, 'utf8'));
    expect(record.entries.at(-1).kind).toBe('vote.closed');
  }, 120_000);

  it('refuses a bad --members with exit code 2', async () => {
    await expect(promisify(execFile)('node', ['bin/piaojue.js', 'demo', '--members', 'many'])).rejects.toMatchObject({ code: 2 });
  });
});
