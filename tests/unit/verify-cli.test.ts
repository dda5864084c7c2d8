// `piaojue verify`: exit codes, the JSON report, the pin file, where the keys come from.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVerify, verifyCommand, type VerifyIo } from '../../src/cli/verify.ts';
import { type ChainEntry, type VoteRecord } from '../../src/protocol/chain.ts';
import { buildScenario, serviceKey } from '../../testkit/protocol-scenario.ts';
import { rehash } from '../helpers/records.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';

const s = await buildScenario('verify-cli');
const dir = mkdtempSync(join(tmpdir(), 'piaojue-verify-'));
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
const jwksPath = write('jwks.json', s.service.jwks);
const recordPath = write('record.json', s.record);

function capture(extra: Partial<VerifyIo> = {}) {
  let out = '';
  let err = '';
  const io: Partial<VerifyIo> = { stdout: { write: (c: string) => (out += c) }, stderr: { write: (c: string) => (err += c) }, ...extra };
  return { io, out: () => out, err: () => err };
}

type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;

describe('piaojue verify --file', () => {
  it('passes an untouched record: exit 0, every check ✓ with Chinese and English', async () => {
    const c = capture();
    expect(await runVerify({ file: recordPath, jwks: jwksPath }, c.io)).toBe(0);
    expect(c.out()).toContain('✓ 哈希链逐条相连、哈希正确 / Chain links and entry hashes');
    expect(c.out()).toContain(`    共 ${s.record.entries.length} 条记录项 / ${s.record.entries.length} entries`);
    expect(c.out()).not.toContain('✗');
    expect(c.out()).toMatch(/all 14 checks passed/);
  });

  it('with --json prints a machine-readable report', async () => {
    const c = capture();
    expect(await runVerify({ file: recordPath, jwks: jwksPath, json: true }, c.io)).toBe(0);
    const report = JSON.parse(c.out());
    expect(report).toMatchObject({ ok: true, committeeId: 'c-1', voteId: 'v-1', head: s.record.head });
    expect(report.checks).toHaveLength(14);
    for (const check of report.checks) expect(check).toMatchObject({ detail: expect.any(String), detailZh: expect.stringMatching(/[\u4e00-\u9fff]/) });
  });

  it('when a mark was changed / exits 1 and names tally_mismatch in --json', async () => {
    const record = structuredClone(s.record);
    const closed = record.entries.at(-1) as Closed;
    const a1 = closed.body.ballots[0]!.choices.A!;
    a1.a1 = a1.a1 === 'approve' ? 'disapprove' : 'approve';
    const c = capture();
    expect(await runVerify({ file: write('tampered.json', rehash(record)), jwks: jwksPath, json: true }, c.io)).toBe(1);
    const report = JSON.parse(c.out());
    expect(report.ok).toBe(false);
    expect(report.checks.filter((x: { ok: boolean }) => !x.ok).map((x: { code: string }) => x.code)).toContain('tally_mismatch');
  });

  it('when a byte of an entry was flipped / exits 1 and marks the chain check ✗', async () => {
    const text = readFileSync(recordPath, 'utf8').replace('委员1', '委员X');
    const path = join(dir, 'flipped.json');
    writeFileSync(path, text);
    const c = capture();
    expect(await runVerify({ file: path, jwks: jwksPath }, c.io)).toBe(1);
    expect(c.out()).toMatch(/✗ 哈希链逐条相连、哈希正确 \/ Chain links and entry hashes \[chain_hash\]/);
  });

  it('takes the keys from a bundle { record, jwks } only with a self-asserted warning', async () => {
    const c = capture();
    expect(await runVerify({ file: write('bundle.json', { record: s.record, jwks: s.service.jwks }) }, c.io)).toBe(0);
    expect(c.out()).toMatch(/self-asserted/);
  });

  it('reads the record.json test vector as it is published', async () => {
    const c = capture();
    const code = await runVerify({ file: new URL('../vectors/record.json', import.meta.url).pathname }, c.io);
    expect({ code, err: c.err() }).toEqual({ code: 0, err: '' });
  });

  it('prefers --jwks over the jwks of a bundle (a rogue embedded key changes nothing)', async () => {
    const rogue = serviceKey('rogue').jwks;
    const c = capture();
    expect(await runVerify({ file: write('rogue.json', { record: s.record, jwks: rogue }), jwks: jwksPath }, c.io)).toBe(0);
    const c2 = capture();
    expect(await runVerify({ file: write('rogue.json', { record: s.record, jwks: rogue }), json: true }, c2.io)).toBe(1);
    expect(JSON.parse(c2.out()).checks.find((x: { id: string }) => x.id === 'tallySignature').code).toBe('tally_signature_invalid');
  });

  it('fails a record that carries a jwks field itself (records never carry keys) with record_malformed', async () => {
    const c = capture();
    expect(await runVerify({ file: write('with-jwks.json', { ...s.record, jwks: s.service.jwks }), jwks: jwksPath, json: true }, c.io)).toBe(1);
    expect(JSON.parse(c.out()).checks[0].code).toBe('record_malformed');
  });

  it('checks on worker threads with the same result', async () => {
    const c = capture();
    expect(await runVerify({ file: recordPath, jwks: jwksPath, threads: 2, json: true }, c.io)).toBe(0);
    const record = structuredClone(s.record);
    const closed = record.entries.at(-1) as Closed;
    closed.body.ballots[1]!.signature = closed.body.ballots[2]!.signature;
    const c2 = capture();
    expect(await runVerify({ file: write('badsig.json', rehash(record)), jwks: jwksPath, threads: 2, json: true }, c2.io)).toBe(1);
    const codes = JSON.parse(c2.out())
      .checks.filter((x: { ok: boolean }) => !x.ok)
      .map((x: { code: string }) => x.code);
    expect(codes).toContain('token_signature_invalid');
  });

  it('decodes the blinded points strictly on worker threads too (issuance_point_invalid)', async () => {
    const record = structuredClone(s.record);
    const identity = new Uint8Array(48);
    identity[0] = 0xc0;
    (record.entries.at(-1) as Closed).body.issuances.at(-1)!.blindedPoint = toBase64url(identity);
    const c = capture();
    expect(await runVerify({ file: write('badpoint.json', rehash(record)), jwks: jwksPath, threads: 2, json: true }, c.io)).toBe(1);
    expect(
      JSON.parse(c.out())
        .checks.filter((x: { ok: boolean }) => !x.ok)
        .map((x: { code: string }) => x.code),
    ).toEqual(['issuance_point_invalid']);
  });
});

describe('piaojue verify: the result in the words the web uses', () => {
  it('says 通过/未通过 for a 等额 item and 当选/未当选 for a 差额 item, with 应选 N 名 for 差额', async () => {
    // Item A (等额) rejected by all; item B (差额, 2 seats): 于明 and 万里 approved by all, 李强 by none.
    const s2 = await buildScenario('verify-cli-words', { choices: () => ({ A: { a1: 'disapprove' }, B: { b1: 'approve', b2: 'approve', b3: 'disapprove' } }) });
    const c = capture();
    expect(await runVerify({ file: write('record-words.json', s2.record), jwks: write('jwks-words.json', s2.service.jwks) }, c.io)).toBe(0);
    const lines = c.out().split('\n');
    expect(lines).toContain('  县财政局局长 (等额 · 1 名 / Confirmation · 1 seat; 有效 valid 9, 无效 invalid 0)');
    expect(lines).toContain('  乡镇党委书记 (差额 · 应选 2 名 / Differential · 2 seats; 有效 valid 9, 无效 invalid 0)');
    expect(lines).toContain('    王芳: 同意 0 不同意 9 弃权 0 → 未通过 / Not approved');
    expect(lines).toContain('    于明: 同意 9 不同意 0 弃权 0 → 当选 / Elected');
    expect(lines).toContain('    万里: 同意 9 不同意 0 弃权 0 → 当选 / Elected');
    expect(lines).toContain('    李强: 同意 0 不同意 9 弃权 0 → 未当选 / Not elected');
  });

  it('says 通过 for an approved 等额 item (never 当选)', async () => {
    const c = capture();
    expect(await runVerify({ file: recordPath, jwks: jwksPath }, c.io)).toBe(0);
    expect(c.out()).toContain('    王芳: 同意 7 不同意 2 弃权 0 → 通过 / Approved\n');
    expect(c.out()).not.toMatch(/王芳.*当选/);
  });
});

describe('piaojue verify: 现任职务 and 拟任职务 in the tally', () => {
  it('prints them after the name, in brackets, only for candidates that have them', async () => {
    const v2 = await buildScenario('verify-cli-posts', { version: 2 });
    const record = structuredClone<VoteRecord>(v2.record);
    const created = record.entries.find((e) => e.kind === 'vote.created') as Extract<ChainEntry, { kind: 'vote.created' }>;
    const [a1] = created.body.definition.items[0]!.candidates;
    Object.assign(a1!, { currentPost: '县财政局副局长' });
    const b = created.body.definition.items[1]!.candidates;
    const liQiang = b.find((c) => c.name === '李强')!;
    Object.assign(liQiang, { currentPost: '某镇镇长', proposedPost: '某镇党委书记' });
    rehash(record);
    const c = capture();
    expect(await runVerify({ file: write('record-posts.json', record), jwks: write('jwks-posts.json', v2.service.jwks) }, c.io)).toBe(0);
    const lines = c.out().split('\n');
    expect(lines.filter((l) => l.startsWith('    王芳'))).toEqual([expect.stringMatching(/^ {4}王芳（现任：县财政局副局长；拟任：县财政局局长）: 同意 \d+ /)]);
    expect(lines.filter((l) => l.startsWith('    李强'))).toEqual([expect.stringMatching(/^ {4}李强（现任：某镇镇长；拟任：某镇党委书记）: 同意 \d+ /)]);
    expect(lines.filter((l) => l.startsWith('    于明'))).toEqual([expect.stringMatching(/^ {4}于明: 同意 \d+ /)]);
  });

  it('prints names alone for a record without posts', async () => {
    const c = capture();
    expect(await runVerify({ file: recordPath, jwks: jwksPath }, c.io)).toBe(0);
    expect(c.out()).toMatch(/^ {4}王芳: 同意 \d+ /m);
    expect(c.out()).not.toContain('现任');
    expect(c.out()).not.toContain('拟任');
  });
});

describe('piaojue verify --pin', () => {
  it('writes the head after a pass, then fails (exit 1) on a rewritten or truncated history', async () => {
    const pin = join(dir, 'pin-1.json');
    const c = capture();
    expect(await runVerify({ file: recordPath, jwks: jwksPath, pin }, c.io)).toBe(0);
    expect(JSON.parse(readFileSync(pin, 'utf8'))).toEqual({ committeeId: 'c-1', ...s.record.head });
    expect(await runVerify({ file: recordPath, jwks: jwksPath, pin }, capture().io)).toBe(0);

    // History rewritten below the pin, re-hashed so the chain itself is consistent.
    const rewritten = structuredClone(s.record);
    (rewritten.entries[1]!.body as { members: { name: string }[] }).members[0]!.name = '委员X';
    const c2 = capture();
    expect(await runVerify({ file: write('rewritten.json', rehash(rewritten)), jwks: jwksPath, pin, json: true }, c2.io)).toBe(1);
    const report = JSON.parse(c2.out());
    expect(report.checks.filter((x: { ok: boolean }) => !x.ok).map((x: { code: string }) => x.code)).toEqual(['pinned_head_mismatch']);
    // The pin is not moved by a failing run.
    expect(JSON.parse(readFileSync(pin, 'utf8')).hash).toBe(s.record.head.hash);

    // Truncated: the record ends before the pinned head.
    const truncated = structuredClone(s.record);
    truncated.entries.pop();
    const c3 = capture();
    expect(await runVerify({ file: write('truncated.json', rehash(truncated)), jwks: jwksPath, pin, json: true }, c3.io)).toBe(1);
    expect(JSON.parse(c3.out()).checks.map((x: { code?: string }) => x.code)).toContain('pinned_head_mismatch');
  });

  it('when the pin file is for another committee or malformed / exits 2', async () => {
    const other = write('pin-other.json', { committeeId: 'c-9', seq: 0, hash: '0'.repeat(64) });
    const c = capture();
    expect(await runVerify({ file: recordPath, jwks: jwksPath, pin: other }, c.io)).toBe(2);
    expect(c.err()).toMatch(/another|c-9/);
    expect(await runVerify({ file: recordPath, jwks: jwksPath, pin: write('pin-bad.json', { seq: 'x' }) }, capture().io)).toBe(2);
  });
});

describe('piaojue verify --url', () => {
  const served = (record: unknown, jwks: unknown) =>
    (async (url: string | URL | Request) => {
      const u = url instanceof Request ? url.url : url.toString();
      if (u === 'http://svc.test/v1/votes/v-1/record') return new Response(JSON.stringify(record), { status: 200 });
      if (u === 'http://svc.test/.well-known/jwks.json') return new Response(JSON.stringify(jwks), { status: 200 });
      return new Response('{"title":"not found"}', { status: 404 });
    }) as typeof fetch;

  it('fetches the record and the JWKS and passes', async () => {
    const c = capture({ fetch: served(s.record, s.service.jwks) });
    expect(await runVerify({ url: 'http://svc.test/', vote: 'v-1', json: true }, c.io)).toBe(0);
    expect(JSON.parse(c.out()).source).toBe('http://svc.test/v1/votes/v-1/record');
  });

  it('sends a share link in the Piaojue-Share header, from --share or from the observer page address of --link', async () => {
    const cap = `pjs_${'A'.repeat(43)}`;
    const seen: (string | null)[] = [];
    const fetchWithShare = (async (url: string | URL | Request, init?: RequestInit) => {
      const u = url instanceof Request ? url.url : url.toString();
      if (u === 'http://svc.test/base/v1/votes/v-1/record') {
        seen.push(new Headers(init?.headers).get('piaojue-share'));
        return new Response(JSON.stringify(s.record), { status: 200 });
      }
      if (u === 'http://svc.test/base/.well-known/jwks.json') return new Response(JSON.stringify(s.service.jwks), { status: 200 });
      return new Response('{}', { status: 404 });
    }) as typeof fetch;
    expect(await runVerify({ url: 'http://svc.test/base', vote: 'v-1', share: cap }, capture({ fetch: fetchWithShare }).io)).toBe(0);
    const link = `http://svc.test/base/#/observer?record=${encodeURIComponent('/v1/votes/v-1/record')}&cap=${cap}`;
    const c = capture({ fetch: fetchWithShare });
    expect(await runVerify({ link, json: true }, c.io)).toBe(0);
    expect(JSON.parse(c.out()).source).toBe('http://svc.test/base/v1/votes/v-1/record');
    expect(seen).toEqual([cap, cap]);
  });

  it('when the service answers 404 / exits 2', async () => {
    const c = capture({ fetch: served(s.record, s.service.jwks) });
    expect(await runVerify({ url: 'http://svc.test', vote: 'v-9' }, c.io)).toBe(2);
    expect(c.err()).toMatch(/404/);
  });
});

describe('usage', () => {
  for (const [what, options] of [
    ['no source', {}],
    ['both --url and --file', { url: 'http://x', vote: 'v', file: recordPath }],
    ['--url without --vote', { url: 'http://x' }],
    ['--share without --url', { share: 'pjs_x', file: recordPath }],
    ['--link with --vote', { link: 'http://x/#/observer?record=%2Fv1%2Fvotes%2Fv%2Frecord', vote: 'v' }],
    ['a --link that is not the observer page', { link: 'http://x/#/member?record=%2Fv1%2Fvotes%2Fv%2Frecord' }],
    ['a missing file', { file: join(dir, 'nope.json'), jwks: jwksPath }],
    ['a file that is not JSON', { file: jwksPath.replace('jwks.json', 'garbage.txt'), jwks: jwksPath }],
    ['a record file without keys and no --jwks', { file: recordPath }],
  ] as [string, Record<string, unknown>][]) {
    it(`when given ${what} / exits 2 and writes nothing to stdout`, async () => {
      writeFileSync(join(dir, 'garbage.txt'), 'not json');
      const c = capture();
      expect(await runVerify(options, c.io)).toBe(2);
      expect(c.out()).toBe('');
      expect(c.err()).toMatch(/piaojue verify: /);
    });
  }

  it('verifyCommand() is a commander command named verify with the documented options', () => {
    const cmd = verifyCommand();
    expect(cmd.name()).toBe('verify');
    expect(cmd.options.map((o) => o.long)).toEqual([
      '--url',
      '--vote',
      '--share',
      '--link',
      '--file',
      '--jwks',
      '--pin',
      '--json',
      '--committee',
      '--composite',
      '--threads',
    ]);
    expect(existsSync(recordPath)).toBe(true);
  });
});
