import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { sortNamesCommand } from '../../src/cli/sort-names.ts';

// The command object is tested directly with injected streams; the binary is spawned below.
async function run(args: string[], input = '', files: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const command = sortNamesCommand({
    stdin: (async function* () {
      yield new TextEncoder().encode(input);
    })(),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return text;
    },
  }).exitOverride();
  let exitCode = 0;
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    exitCode = e.exitCode;
  }
  return { stdout, stderr, exitCode };
}

describe('piaojue sort-names', () => {
  it('reads standard input, trims, ignores blank lines and sorts by the surname convention by default', async () => {
    const r = await run([], '  王小洪 \n\n万立骏\r\n王毅\n   \n丁薛祥\n');
    expect(r).toEqual({ stdout: '丁薛祥\n万立骏\n王毅\n王小洪\n', stderr: '', exitCode: 0 });
  });
  it('sorts by the whole name with --convention fullname', async () => {
    const r = await run(['--convention', 'fullname'], '王毅\n王小洪\n');
    expect(r.stdout).toBe('王小洪\n王毅\n');
  });
  it('reads the names from FILE when one is given', async () => {
    const r = await run(['names.txt'], '', { 'names.txt': '\ufeff万立骏\n于伟国\n' });
    expect(r.stdout).toBe('于伟国\n万立骏\n');
  });
  it('reports unknown characters on standard error and still prints every name', async () => {
    const r = await run([], '刘𬇖\n刘一\n');
    expect(r.stdout).toBe('刘一\n刘𬇖\n');
    expect(r.stderr).toContain('𬇖 (U+2C1D6)');
    expect(r.exitCode).toBe(0);
  });
  it('reads names separated by 、，, and spaces on one line, by the same rule as the web pages (padded 王　毅 is one name, Latin names keep their spaces)', async () => {
    const r = await run([], '王小洪、万立骏，王　毅 丁薛祥\nZhang Wei, Alice Smith\n');
    expect(r).toEqual({ stdout: '丁薛祥\n万立骏\n王毅\n王小洪\nAlice Smith\nZhang Wei\n', stderr: '', exitCode: 0 });
  });
  it('lists on standard error, for each name, the characters derived from components or placed by count only', async () => {
    const r = await run(['--convention', 'fullname'], '刘𬇖\n王毅\n马騑\n');
    expect(r.stdout).toBe('马騑\n王毅\n刘𬇖\n');
    expect(r.stderr).toContain('note: 2 names placed without a stroke sequence of their own for some characters; check by hand:\n');
    expect(r.stderr).toContain('  1. 马騑: 騑 (U+9A11) derived from its components, 11 strokes\n');
    expect(r.stderr).toContain('  3. 刘𬇖: 𬇖 (U+2C1D6) Unihan stroke count only, 6 strokes\n');
    expect(r.exitCode).toBe(0);
  });
  it('exits with code 2 and a clear message when the convention is not surname or fullname', async () => {
    const r = await run(['--convention', 'pinyin'], '王毅\n');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--convention must be one of surname, fullname \(got "pinyin"\)/);
    expect(r.stdout).toBe('');
  });
  it('exits with code 1 when FILE cannot be read', async () => {
    const r = await run(['missing.txt']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/cannot read missing\.txt/);
  });
});

// src/cli/main.ts registers the command, so the real binary is exercised as well.
describe('node bin/piaojue.js sort-names', () => {
  const root = new URL('../../', import.meta.url);
  const spawn = async (args: string[], input: string) => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['bin/piaojue.js', 'sort-names', ...args], {
      cwd: root,
      input,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  };
  it('sorts standard input with the default surname convention', async () => {
    const r = await spawn([], '王小洪\n\n 于伟国 \n王毅\n');
    expect(r).toMatchObject({ stdout: '于伟国\n王毅\n王小洪\n', status: 0 });
  });
  it('exits with status 2 on a bad convention', async () => {
    const r = await spawn(['--convention', 'stroke'], '王毅\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--convention must be one of surname, fullname');
  });
}, 60_000);
