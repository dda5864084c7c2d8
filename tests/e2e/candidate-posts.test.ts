// Issue 11 in the browser: the secretary enters candidates with 现任职务 and 拟任职务 (one per line),
// the member's phone shows them on the ballot, and the printed 计票结果报告单 shows them beside
// each name, as do the projector screen, the secretary's list of saved votes and the observer's
// verified result. The service is configured with another spelling of its address (localhost) than
// the browser uses (127.0.0.1): the report's record address and QR code must carry the configured one.
// Screenshots: test-results/screenshots/posts-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PHONE, shot } from './browser.ts';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, NAMES, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken } from '../helpers/voting.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';

let service: TestService;
let browser: Browser;
let admin: Session;
let c: CommitteeFixture;
let meetingId: string;
let phone: Page;
let secretary: Page;
let voteId: string;
let publicUrl: string;

/** A port free right now, so that PIAOJUE_PUBLIC_URL can name the service before it starts. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Typed by hand, in an order the stroke sort changes: 于伟国, 万立骏, 李干杰.
const TYPED = ['李干杰 县发改委主任 县委办公室副主任（正科级）', '万立骏', '于伟国 某镇党委书记'].join('\n');

beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://localhost:${port}`;
  service = await startTestService({ env: { PORT: String(port), PIAOJUE_PUBLIC_URL: publicUrl } });
  expect(service.url).not.toContain('localhost');
  browser = await launchChromium();
  admin = await adminSession(service);
  c = await createCommittee(admin, '职务展示委员会', NAMES.slice(0, 3));
  meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '第5次常委会' })).body.id;
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

describe('现任职务 and 拟任职务 on the pages', () => {
  it('member 1 enrols a phone before the vote exists', async () => {
    const code = (await admin.api.post(`/v1/people/${c.members[0]!.personId}/enrolment-codes`)).body.code;
    phone = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    await phone.goto(`${service.url}/#/member?code=${code}`);
    await phone.click('form.enrol button[type=submit]');
    await phone.locator('.signin-state[data-present="false"]').waitFor({ timeout: 15_000 });
  });

  it('the secretary types one candidate per line and sees the posts beside the stroke-sorted names', async () => {
    const code = (await admin.api.post(`/v1/people/${c.secretary.personId}/enrolment-codes`)).body.code;
    secretary = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
    await secretary.goto(`${service.url}/#/secretary?committee=${c.id}&meeting=${meetingId}&code=${code}`);
    await secretary.click('form.enrol button[type=submit]');
    await secretary.locator('input[name=vote-title]').waitFor({ timeout: 15_000 });
    await secretary.fill('input[name=vote-title]', '干部任免表决');
    const item = secretary.locator('fieldset.new-item').first();
    await item.locator('input[name=post]').fill('县委办公室副主任');
    await item.locator('input[name=seats]').fill('2');
    await item.locator('input[name=with-posts]').check();
    await item.locator('textarea[name=candidates]').fill(TYPED);
    const rows = item.locator('.sorted-names li');
    await expect
      .poll(() => rows.allTextContents())
      .toEqual(['于伟国现任：某镇党委书记拟任：县委办公室副主任', '万立骏', '李干杰现任：县发改委主任拟任：县委办公室副主任（正科级）']);
    await shot(secretary, 'posts-1-secretary-entry');
    await secretary.click('button.save-vote');
    await secretary.locator('.vote-admin[data-state="draft"]').waitFor();
    voteId = (await secretary.locator('.vote-admin').first().getAttribute('data-vote-id'))!;
    // The list of saved votes shows them too, one candidate a line, in the stroke order.
    const saved = secretary.locator(`.vote-admin[data-vote-id="${voteId}"] .items-summary li[data-candidate]`);
    expect(await saved.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-candidate')))).toEqual(['于伟国', '万立骏', '李干杰']);
    const savedRow = (name: string) => secretary.locator(`.vote-admin[data-vote-id="${voteId}"] .items-summary li[data-candidate="${name}"]`);
    expect(await savedRow('李干杰').locator('.current-post').textContent()).toBe('现任：县发改委主任');
    expect(await savedRow('李干杰').locator('.proposed-post').textContent()).toBe('拟任：县委办公室副主任（正科级）');
    expect(await savedRow('于伟国').locator('.proposed-post').textContent()).toBe('拟任：县委办公室副主任');
    expect(await savedRow('万立骏').locator('.posts').count()).toBe(0);
    const def = (await c.secretary.api.get(`/v1/votes/${voteId}`)).body.definition as VoteDefinition;
    expect(def.items[0]!.candidates).toEqual([
      { candidateId: 'c1', name: '于伟国', currentPost: '某镇党委书记' },
      { candidateId: 'c2', name: '万立骏' },
      { candidateId: 'c3', name: '李干杰', currentPost: '县发改委主任', proposedPost: '县委办公室副主任（正科级）' },
    ]);
  });

  it('the member’s ballot shows each candidate’s 现任职务 and 拟任职务', async () => {
    await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    expect((await c.secretary.api.post(`/v1/votes/${voteId}/open`)).status).toBe(200);
    const candidate = (name: string) => phone.locator(`section.vote[data-vote-id="${voteId}"] li.candidate[data-candidate="${name}"]`);
    await candidate('于伟国').waitFor({ timeout: 20_000 });
    expect(await candidate('于伟国').locator('.current-post').textContent()).toBe('现任：某镇党委书记');
    expect(await candidate('于伟国').locator('.proposed-post').textContent()).toBe('拟任：县委办公室副主任');
    expect(await candidate('李干杰').locator('.proposed-post').textContent()).toBe('拟任：县委办公室副主任（正科级）');
    expect(await candidate('万立骏').locator('.posts').count()).toBe(0);
    await shot(phone, 'posts-2-member-ballot');
  });

  it('the printed result sheet shows them beside each name', async () => {
    // Members 2 and 3 cast from their own devices; the phone took member 1's token and does not cast.
    const def = (await c.secretary.api.get(`/v1/votes/${voteId}`)).body.definition as VoteDefinition;
    const voters = c.members.slice(1);
    for (const m of voters) expect((await cast(service.url, await obtainToken(m, def), approveOnly(def, ['于伟国', '李干杰']))).status).toBe(201);
    await closeAndPublish(c.secretary, voters, voteId, { inspectors: voters });
    const report = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await report.goto(`${service.url}/#/projector?committee=${c.id}&vote=${voteId}&report=1`);
    const row = (name: string) => report.locator(`.report tr[data-candidate="${name}"]`);
    await row('李干杰').waitFor({ timeout: 20_000 });
    expect(await row('李干杰').locator('th .current-post').textContent()).toBe('现任：县发改委主任');
    expect(await row('李干杰').locator('th .proposed-post').textContent()).toBe('拟任：县委办公室副主任（正科级）');
    expect(await row('于伟国').locator('th .proposed-post').textContent()).toBe('拟任：县委办公室副主任');
    expect(await row('万立骏').locator('th .posts').count()).toBe(0);
    // The record address and its QR code name the configured public address, not the browser's.
    const recordUrl = `${publicUrl}/v1/votes/${voteId}/record`;
    expect(await report.locator('.record-url').textContent()).toBe(recordUrl);
    expect(await report.locator('svg.qr').getAttribute('aria-label')).toBe(recordUrl);
    expect(recordUrl.startsWith(publicUrl) && !recordUrl.startsWith(service.url)).toBe(true);
    await shot(report, 'posts-3-report');
  });

  it('the projector screen shows them beside each name in the result', async () => {
    const screen = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
    await screen.goto(`${service.url}/#/projector?committee=${c.id}&vote=${voteId}`);
    const row = (name: string) => screen.locator(`section.result-item tr[data-candidate="${name}"]`);
    await row('李干杰').waitFor({ timeout: 20_000 });
    expect(await screen.locator('.report').count()).toBe(0);
    expect(await row('李干杰').locator('th .posts .current-post').textContent()).toBe('现任：县发改委主任');
    expect(await row('李干杰').locator('th .posts .proposed-post').textContent()).toBe('拟任：县委办公室副主任（正科级）');
    expect(await row('于伟国').locator('th .posts .current-post').textContent()).toBe('现任：某镇党委书记');
    expect(await row('于伟国').locator('th .posts .proposed-post').textContent()).toBe('拟任：县委办公室副主任');
    expect(await row('万立骏').locator('th .posts').count()).toBe(0);
    await shot(screen, 'posts-3b-projector');
  });

  it('the observer page shows them beside each name in the verified result', async () => {
    const observer = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await observer.goto(`${service.url}/#/observer?record=${encodeURIComponent(`/v1/votes/${voteId}/record`)}`);
    await observer.locator('.report-view[data-ok="true"]').waitFor({ timeout: 60_000 });
    const row = (name: string) => observer.locator(`.observer-result tr[data-candidate="${name}"]`);
    expect(await row('李干杰').locator('th .current-post').textContent()).toBe('现任：县发改委主任');
    expect(await row('李干杰').locator('th .proposed-post').textContent()).toBe('拟任：县委办公室副主任（正科级）');
    expect(await row('于伟国').locator('th .current-post').textContent()).toBe('现任：某镇党委书记');
    expect(await row('于伟国').locator('th .proposed-post').textContent()).toBe('拟任：县委办公室副主任');
    expect(await row('万立骏').locator('th .posts').count()).toBe(0);
    expect(await row('李干杰').locator('td[data-mark="approve"]').textContent()).toBe('2');
    expect(await row('李干杰').locator('td.outcome').getAttribute('data-outcome')).toBe('elected');
    await shot(observer, 'posts-4-observer');
  });
});
