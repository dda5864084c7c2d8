// An outside observer opens a restricted committee's closed vote with the share link the
// secretary handed out, in a browser with no device: the observer page reads the record with the
// link and verifies it, every check passing (issue 12). Without the link the same page is told
// there is no such vote; with the link revoked, that the link is not valid.
// Screenshots: test-results/screenshots/share-link-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, shot } from './browser.ts';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken } from '../helpers/voting.ts';

let service: TestService;
let browser: Browser;
let admin: Session;
let c: CommitteeFixture;
let voteId: string;
let share: { shareId: string; observerPath: string };

beforeAll(async () => {
  service = await startTestService();
  browser = await launchChromium();
  admin = await adminSession(service);
  c = await createCommittee(admin, '分享链接委员会', ['王毅', '李强', '赵乐际'], undefined, 'restricted');
  const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '常委会会议' })).body.id;
  const vote = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '任免表决', items: [{ post: '局长', seats: 1, candidates: ['蔡奇'] }] });
  voteId = vote.body.id;
  await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
  await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
  const def = (await c.secretary.api.post(`/v1/votes/${voteId}/open`)).body.definition;
  for (const m of c.members) await cast(service.url, await obtainToken(m, def), approveOnly(def, ['蔡奇']));
  await closeAndPublish(c.secretary, c.members, voteId);
  share = (await c.secretary.api.post(`/v1/votes/${voteId}/shares`)).body;
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

async function observerPage(): Promise<Page> {
  return (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1100, height: 900 } })).newPage();
}

describe('a share link on the observer page', () => {
  it('opens the restricted record and every check passes', async () => {
    const page = await observerPage();
    await page.goto(`${service.url}/${share.observerPath}`);
    await page.locator('.report-view').waitFor({ timeout: 60_000 });
    expect(await page.locator('.report-view').getAttribute('data-ok')).toBe('true');
    expect(await page.locator('.checks li[data-ok="false"]').count()).toBe(0);
    expect(await page.locator('tr[data-candidate="蔡奇"] td.outcome').getAttribute('data-outcome')).toBe('elected');
    expect(await page.locator('.share-link').count()).toBe(1);
    await shot(page, 'share-link-1-verified');
  });

  it('without the link, the record is not there; once revoked, the link is refused', async () => {
    const page = await observerPage();
    await page.goto(`${service.url}/#/observer?record=${encodeURIComponent(`/v1/votes/${voteId}/record`)}`);
    await expect.poll(() => page.locator('.verify-out').textContent(), { timeout: 20_000 }).toMatch(/不存在|No such/);
    expect(await page.locator('.report-view').count()).toBe(0);

    expect((await c.secretary.api.delete(`/v1/votes/${voteId}/shares/${share.shareId}`)).status).toBe(204);
    const again = await observerPage();
    await again.goto(`${service.url}/${share.observerPath}`);
    await expect.poll(() => again.locator('.verify-out').textContent(), { timeout: 20_000 }).toContain('分享链接无效');
    expect(await again.locator('.report-view').count()).toBe(0);
    await shot(again, 'share-link-2-revoked');
  });
});
