// The README's walkthrough, run as a newcomer would run it: every ```sh block from "Walkthrough
// with curl" to the next top-level section, top to bottom in one bash, in a fresh folder,
// against `piaojue serve` on a fresh embedded database. Only three things are changed: the
// `npm start` line (this test starts the service itself), the placeholder code (the one the
// service printed) and the port (8080 may be taken). `npx piaojue` is the repository's own bin,
// as npx resolves it inside the checkout.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../helpers/spawn.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function walkthroughScript(readme: string): string {
  const start = readme.indexOf('## Walkthrough with curl');
  const end = readme.indexOf('\n## ', start + 1);
  if (start < 0) throw new Error('README.md has no "## Walkthrough with curl" section');
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
}

const tools = await promisify(execFile)('bash', ['-c', 'command -v curl && command -v jq']).then(
  () => true,
  () => false,
);

describe('the README walkthrough', () => {
  it('runs top to bottom as written: enrolment, committee, meeting with quorum, a whole vote, both verify commands', async () => {
    // The README asks for curl and jq; so does this test (CI installs them when missing).
    if (!tools) throw new Error('the README walkthrough needs curl and jq: apt-get install curl jq');
    const script = walkthroughScript(await readFile(join(ROOT, 'README.md'), 'utf8'));
    expect(script).toMatch(/^npm start\b/m);
    expect(script).toMatch(/^CODE=\S+/m);

    const dir = await mkdtemp(join(tmpdir(), 'piaojue-readme-'));
    const served = serve(join(dir, 'data'));
    const { url, code } = await served.ready;
    const port = new URL(url).port;
    try {
      const body = script
        .replace(/^npm start\b.*$/m, '')
        .replace(/^CODE=\S+/m, `CODE=${code}`)
        .replaceAll('localhost:8080', `localhost:${port}`);
      const run = [
        'set -euo pipefail',
        `npx() { if [ "$1" = piaojue ]; then shift; node ${JSON.stringify(join(ROOT, 'bin/piaojue.js'))} "$@"; else command npx "$@"; fi; }`,
        body,
      ].join('\n');
      const { stdout } = await promisify(execFile)('bash', ['-c', run], { cwd: dir, timeout: 240_000, maxBuffer: 16 << 20 });
      expect(stdout).toContain('"quorumMet":true');
      expect(stdout).toContain('✓ the published tally equals the tally of the ballots this demo cast');
      expect(stdout).toContain('record written to record.json');
      // Both verify commands ran (set -e stops at the first failing one) and passed every check.
      const record = JSON.parse(await readFile(join(dir, 'record.json'), 'utf8'));
      expect(JSON.parse(await readFile(join(dir, 'head.json'), 'utf8'))).toMatchObject({ committeeId: record.committeeId });
      expect(JSON.parse(await readFile(join(dir, 'record.jwks.json'), 'utf8')).keys).toHaveLength(1);
    } finally {
      await served.stop();
    }
  }, 300_000);
});
