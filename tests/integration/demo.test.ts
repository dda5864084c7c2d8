import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/cli/demo.ts';
import { runShapedDemo } from '../../src/cli/demo-shapes.ts';
import { startTestService } from '../helpers/service.ts';

const run = (args: string[]) => promisify(execFile)('node', args, { timeout: 150_000 });

describe('piaojue demo', () => {
  it('runs a meeting against a running service and reads back the tally it cast', async () => {
    const service = await startTestService();
    try {
      const lines: string[] = [];
      const { ok, tally } = await runDemo({ members: 7, url: service.url, adminCode: service.adminCode, log: (l) => lines.push(l) });
      expect(ok).toBe(true);
      expect(tally).toMatchObject({ entitled: 7, present: 5, issued: 5, returned: 5 });
      expect(tally.items[1]!.invalid).toBeGreaterThanOrEqual(1);
      expect(lines).toContain('✓ the published tally equals the tally of the ballots this demo cast');
      expect(lines.at(-1)).toMatch(new RegExp(`^  npx piaojue verify --url ${service.url} --vote [0-9a-f-]{36}$`));
    } finally {
      await service.close();
    }
  });

  it('exits 0 from the command line with its own embedded service, writes the record and its keys, and prints a verify command that passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-demo-test-'));
    const out = join(dir, 'record.json');
    const { stdout } = await run(['bin/piaojue.js', 'demo', '--members', '5', '--record-out', out]);
    expect(stdout).toMatch(/✓ the published tally equals/);
    const record = JSON.parse(await readFile(out, 'utf8'));
    expect(record.entries.at(-1).kind).toBe('vote.closed');
    expect(stdout).toContain(`vote id: ${record.entries.at(-1).body.voteId}`);
    const command = stdout.trim().split('\n').at(-1)!.trim();
    expect(command).toBe(`npx piaojue verify --file ${out} --jwks ${join(dir, 'record.jwks.json')}`);
    // The demo's own service is gone; the record still checks with the keys written beside it.
    const verified = await run(['bin/piaojue.js', ...command.split(' ').slice(2)]);
    expect(verified.stdout).toMatch(/通过|passed/);
  }, 180_000);

  it('runs against a running service as its administrator, from the key file `piaojue device enrol` wrote', async () => {
    const service = await startTestService();
    try {
      const dir = await mkdtemp(join(tmpdir(), 'piaojue-demo-key-'));
      const keyFile = join(dir, 'admin.key');
      await run(['bin/piaojue.js', 'device', 'enrol', service.url, service.adminCode, keyFile]);
      // The one-time code is spent now; the key file is what the administrator holds.
      const lines: string[] = [];
      const { ok } = await runDemo({ members: 5, adminKey: keyFile, log: (l) => lines.push(l) });
      expect(ok).toBe(true);
      const spent = await runDemo({ members: 5, url: service.url, adminCode: service.adminCode, log: () => {} }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(spent?.message).toContain('enrolment_code_invalid');
    } finally {
      await service.close();
    }
  }, 120_000);

  it('refuses an --admin-key that is not a device key file, with exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piaojue-demo-key-'));
    await writeFile(join(dir, 'x.key'), '{"hello":1}');
    const failed = await run(['bin/piaojue.js', 'demo', '--admin-key', join(dir, 'x.key')]).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('is not a key file written by `piaojue device enrol`');
  });

  it('runs a 民主推荐 and a 民主测评 at a meeting of participants holding slips, prints the result tables and verifies the records', async () => {
    const service = await startTestService();
    try {
      const rec: string[] = [];
      const recommendation = await runShapedDemo({
        shape: 'recommendation',
        participants: 6,
        url: service.url,
        adminCode: service.adminCode,
        log: (l) => rec.push(l),
      });
      expect(recommendation.ok).toBe(true);
      expect(recommendation.tally).toMatchObject({ entitled: 6, present: 6, issued: 6, returned: 6 });
      // The last participant over-marks: at least one ballot is 无效.
      expect(recommendation.tally.shaped![0]).toMatchObject({ shape: 'recommendation' });
      expect((recommendation.tally.shaped![0] as { invalid: number }).invalid).toBeGreaterThanOrEqual(1);
      expect(rec).toContain('  名次  姓名  得票  得票率  达到门槛');
      expect(rec).toContain('record verification: every check passed');

      const ev: string[] = [];
      const admin = await startTestService();
      try {
        const evaluation = await runShapedDemo({ shape: 'evaluation', participants: 5, url: admin.url, adminCode: admin.adminCode, log: (l) => ev.push(l) });
        expect(evaluation.ok).toBe(true);
        expect(evaluation.tally.shaped![0]).toMatchObject({ shape: 'evaluation', valid: 5 });
        expect(ev).toContain('  姓名  优秀  称职  基本称职  不称职  弃权  优秀率  称职以上率  不称职率');
        expect(ev).toContain('✓ the published tally equals the tally of the ballots this demo cast');
      } finally {
        await admin.close();
      }
    } finally {
      await service.close();
    }
  }, 180_000);

  it('runs a 三元测评: three evaluations, their composite 30/40/30 published and verified, and its table', async () => {
    const service = await startTestService();
    try {
      const lines: string[] = [];
      const { ok } = await runShapedDemo({
        shape: 'evaluation',
        composite: true,
        participants: 3,
        url: service.url,
        adminCode: service.adminCode,
        log: (l) => lines.push(l),
      });
      expect(ok).toBe(true);
      expect(lines).toContain('【2026 年度科级领导干部三元测评（演示）】 单位干部群众测评 30%  全县领导干部会议述职测评 40%  分管战线领导综合测评 30%');
      expect(lines).toContain('  姓名  综合优秀率  综合称职以上率  综合不称职率  综合得分');
      expect(lines.at(-1)).toBe('composite verification: recomputed from the chain and the three records, every value equal');
    } finally {
      await service.close();
    }
  }, 180_000);

  it('refuses --composite without --shape evaluation with exit code 2', async () => {
    await expect(promisify(execFile)('node', ['bin/piaojue.js', 'demo', '--shape', 'recommendation', '--composite'])).rejects.toMatchObject({ code: 2 });
  });

  it('refuses an unknown --shape with exit code 2', async () => {
    await expect(promisify(execFile)('node', ['bin/piaojue.js', 'demo', '--shape', 'ranking'])).rejects.toMatchObject({ code: 2 });
  });

  it('refuses a bad --members with exit code 2', async () => {
    await expect(promisify(execFile)('node', ['bin/piaojue.js', 'demo', '--members', 'many'])).rejects.toMatchObject({ code: 2 });
  });
});
