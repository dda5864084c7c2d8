// The browser's verifier spreads its per-item work (token batch sums, device and ballot
// signatures, blinded points) over a pool of Web Workers nested in the verifier worker
// (src/web/verify-pool.ts). Here the observer page splits a 3-ballot record into 3 chunks
// (`workers=3` in its address: one ballot per pool worker), says it took 3 pool workers, and
// reports exactly what the verifier worker alone reports (`workers=1`): every check passing on
// the record as published, and the same failing checks, naming the same ballot, when one
// ballot's token signature is tampered with in any of the chunks.
// Screenshots: test-results/screenshots/verify-pool-*.png.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { launchChromium, shot } from './browser.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken } from '../helpers/voting.ts';
import { fromBase64url, toBase64url } from '../../src/protocol/encoding.ts';

let service: TestService;
let browser: Browser;
let dir: string;
let recordPath: string;
let record: { entries: { kind: string; body: { ballots: { signature: string }[] } }[] };

beforeAll(async () => {
  service = await startTestService();
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'piaojue-verify-pool-'));
  const admin = await adminSession(service);
  const c = await createCommittee(admin, '验证线程委员会', ['王毅', '李强', '赵乐际']);
  const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '常委会会议' })).body.id;
  const voteId = (
    await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '任免表决', items: [{ post: '局长', seats: 1, candidates: ['蔡奇'] }] })
  ).body.id;
  await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
  await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
  const def = (await c.secretary.api.post(`/v1/votes/${voteId}/open`)).body.definition;
  for (const m of c.members) await cast(service.url, await obtainToken(m, def), approveOnly(def, ['蔡奇']));
  await closeAndPublish(c.secretary, c.members, voteId);
  recordPath = `/v1/votes/${voteId}/record`;
  record = (await c.secretary.api.get(recordPath)).body;
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function observerPage(workers: number): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1100, height: 900 } })).newPage();
  await page.goto(`${service.url}/#/observer?workers=${workers}`);
  return page;
}

/** The observer's report on the record file, check by check, and how many pool workers it took. */
async function verifyFile(page: Page, file: string): Promise<{ checks: string[][]; workers: string | null }> {
  await page.locator('input[name="record-file"]').setInputFiles(file);
  await page.locator('.verify-out[data-verify-workers] .report-view').waitFor({ timeout: 120_000 });
  const checks = await page
    .locator('.checks li')
    .evaluateAll((lis) =>
      lis.map((li) => [li.getAttribute('data-check') ?? '', li.getAttribute('data-ok') ?? '', li.querySelector('.detail')?.textContent ?? '']),
    );
  return { checks, workers: await page.locator('.verify-out').getAttribute('data-verify-workers') };
}

/** The record with ballot `i`'s token signature replaced by `signature`, as a file. */
async function tampered(i: number, signature: (old: Uint8Array) => Uint8Array, name: string): Promise<string> {
  const copy = structuredClone(record);
  const closed = copy.entries.find((e) => e.kind === 'vote.closed')!;
  closed.body.ballots[i]!.signature = toBase64url(signature(fromBase64url(closed.body.ballots[i]!.signature)));
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(copy));
  return file;
}

/** A point of the subgroup, strictly decodable, that is no ballot's token signature. */
const otherPoint = () => bls12_381.G1.Point.BASE.multiply(7n).toBytes(true);
/** The signature with its last byte changed: no longer a strictly decodable point (or not this one). */
const flipped = (old: Uint8Array) => Uint8Array.from(old, (b, k) => (k === old.length - 1 ? b ^ 0x01 : b));

describe('the browser verifier’s pool of Web Workers', () => {
  it('verifies the published record by address on 3 pool workers, every check passing', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1100, height: 900 } })).newPage();
    await page.goto(`${service.url}/#/observer?record=${encodeURIComponent(recordPath)}&workers=3`);
    await page.locator('.verify-out[data-verify-workers="3"] .report-view[data-ok="true"]').waitFor({ timeout: 120_000 });
    expect(await page.locator('.checks li[data-ok="false"]').count()).toBe(0);
    expect(await page.locator('.checks li[data-check="tokenSignatures"]').getAttribute('data-ok')).toBe('true');
    await shot(page, 'verify-pool-1-verified');
  });

  it('reports the same checks from the record file as the verifier worker alone', async () => {
    const file = join(dir, 'record.json');
    await writeFile(file, JSON.stringify(record));
    const pooled = await verifyFile(await observerPage(3), file);
    const alone = await verifyFile(await observerPage(1), file);
    expect(pooled.workers).toBe('3');
    expect(alone.workers).toBe('0');
    expect(pooled.checks.every(([, ok]) => ok === 'true')).toBe(true);
    expect(pooled.checks).toEqual(alone.checks);
  });

  for (const [kind, signature] of [
    ['another point', otherPoint],
    ['a corrupted encoding', flipped],
  ] as const) {
    it(`a token signature replaced by ${kind} in each chunk fails exactly as in the verifier worker alone, naming that ballot`, async () => {
      const pooledPage = await observerPage(3);
      const alonePage = await observerPage(1);
      for (const i of [0, 1, 2]) {
        const file = await tampered(i, signature, `${kind === 'another point' ? 'point' : 'flip'}-${i}`);
        const pooled = await verifyFile(pooledPage, file);
        const alone = await verifyFile(alonePage, file);
        expect(pooled.workers).toBe('3');
        expect(alone.workers).toBe('0');
        expect(pooled.checks).toEqual(alone.checks);
        const tokenCheck = pooled.checks.find(([id]) => id === 'tokenSignatures');
        expect(tokenCheck).toEqual(['tokenSignatures', 'false', `[token_signature_invalid] 选票 #${i}：票证签名在表决公钥下无效`]);
        if (i === 1) await shot(pooledPage, 'verify-pool-2-tampered-second-chunk');
      }
    });
  }
});
