// The administrator's page on a 375 px phone: a committee with its own rules, names pasted one
// per line, a slip whose link enrols a phone, the page refusing a non-administrator, revoking
// devices (the device's next call fails with 401 device_revoked), the roster locked while a vote
// is not closed, and English. Screenshots go to test-results/screenshots/admin-375-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, PHONE, shot } from './browser.ts';
import { Api, enrolAndLogin } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { issueCodeOnPage, openDevices } from './admin-page.ts';

let service: TestService;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: Page;
let member: Page;
let committeeId: string;

async function phone(): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', ...PHONE });
  contexts.push(ctx);
  return ctx.newPage();
}

const person = (name: string) => admin.locator(`li.person[data-name="${name}"]`);
const width = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** A port free right now, so that PIAOJUE_PUBLIC_URL can name the service before it starts. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The service listens on 127.0.0.1 and is configured with another spelling of its address
// (localhost): slips and QR codes must carry the configured one, not the browser's.
let publicUrl: string;

beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://localhost:${port}`;
  service = await startTestService({ env: { PORT: String(port), PIAOJUE_PUBLIC_URL: publicUrl } });
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  await browser?.close();
  await service?.close();
});

describe('the administrator’s page', () => {
  it('the administrator enrols on a phone and creates a committee with its own rules', async () => {
    admin = await phone();
    await admin.goto(`${service.url}/#/admin`);
    await admin.fill('#enrol-code', service.adminCode);
    await admin.click('form.enrol button[type=submit]');
    await admin.locator('form.new-committee').waitFor();
    // Links would send phones to localhost: the page says so, naming the variable to set.
    expect(await admin.locator('.address-warning').getAttribute('data-problem')).toBe('localhost');
    expect(await admin.locator('.address-warning').textContent()).toContain(`登记链接和二维码指向 ${publicUrl}`);
    await shot(admin, 'admin-375-1-new-committee');
    expect(await width(admin)).toBeLessThanOrEqual(375);

    await admin.fill('#committee-name', '某市人大常委会');
    await admin.selectOption('#committee-kind', 'full');
    await admin.fill('input[name=quorum-num]', '1');
    await admin.fill('input[name=quorum-den]', '2');
    await admin.check('input[name=majority-base][value=present]');
    await admin.fill('#min-ratio', '1.2');
    await admin.check('input[name=marks][value=defer]');
    await admin.check('input[name=collation][value=fullname]');
    await admin.click('button.create-committee');
    const summary = admin.locator('.committee-summary');
    await summary.waitFor();
    committeeId = (await summary.getAttribute('data-committee-id'))!;
    const text = await summary.textContent();
    for (const part of ['全委会', '1/2', '实到人数', '1.2 倍', '同意 / 不同意 / 弃权 / 缓议', '姓名笔画']) expect(text).toContain(part);
  });

  it('pastes names one per line: trimmed, blank lines skipped, a repeated name added once', async () => {
    await admin.fill('#member-names', '\n  王毅 \n\n李强\n\t赵乐际\n王毅\n   \n');
    await expect.poll(() => admin.locator('.paste-count').textContent()).toBe('共 4 人');
    await admin.click('button.add-members');
    await admin.locator('.members-admin .notice.ok').waitFor();
    expect(await admin.locator('.members-admin .notice.ok').textContent()).toBe('已添加 3 名委员。');
    expect(await admin.locator('.members-admin .notice.warn').textContent()).toContain('王毅');
    expect(await admin.locator('.members-admin li.person .person-name').allTextContents()).toEqual(['王毅', '李强', '赵乐际']);
    expect(await admin.inputValue('#member-names')).toBe('');
    await admin.fill('#secretary-name', '人大秘书');
    await admin.click('button.appoint-secretary');
    await admin.locator('.secretaries-admin li.person[data-name="人大秘书"]').waitFor();
    await expect.poll(() => admin.locator('.members-admin .badge.none').count()).toBe(3);
    await shot(admin, 'admin-375-2-committee');
    expect(await width(admin)).toBeLessThanOrEqual(375);
  });

  it('the slip’s link enrols a phone; a person who is not an administrator is told so on #/admin', async () => {
    const { code, link } = await issueCodeOnPage(admin, person('赵乐际'), async () => {
      await expect.poll(() => admin.locator('.code-overlay .once').textContent()).toContain('只显示这一次');
      expect(service.url).not.toContain('localhost');
      expect(await admin.locator('.code-overlay svg.slip-qr').getAttribute('aria-label')).toBe(
        `${publicUrl}/#/member?code=${await admin.locator('.slip-code').getAttribute('data-code')}`,
      );
      await shot(admin, 'admin-375-3-code', false);
      expect(await width(admin)).toBeLessThanOrEqual(375);
    });
    expect(await person('赵乐际').locator('.badge.issued').count()).toBe(1);
    member = await phone();
    await member.goto(link);
    expect(await member.inputValue('#enrol-code')).toBe(code);
    await member.click('form.enrol button[type=submit]');
    await expect.poll(() => member.locator('.me-name').textContent()).toBe('赵乐际');

    // The phone enrolled at the slip's address: its device key lives under that origin.
    await member.goto(`${publicUrl}/#/admin`);
    await member.locator('.not-admin').waitFor();
    expect(await member.locator('.not-admin .notice').textContent()).toContain('您不是管理员');
    await shot(member, 'admin-375-4-not-admin');
    await member.goto(`${publicUrl}/#/member`);
    await expect.poll(() => member.locator('.me-name').textContent()).toBe('赵乐际');
  });

  it('issues codes and a sheet of slips for every member without a device, in one step', async () => {
    await admin.click('.members-admin button.refresh');
    await admin.locator('.members-admin button.issue-sheet').click();
    const sheet = admin.locator('.code-overlay .slip-sheet');
    await sheet.waitFor();
    // 赵乐际 enrolled a phone above: only the other two need a code.
    expect(await sheet.locator('.slip .slip-name').allTextContents()).toEqual(['王毅', '李强']);
    for (const qr of await sheet.locator('svg.slip-qr').all())
      expect(await qr.getAttribute('aria-label')).toMatch(new RegExp(`^${publicUrl}/#/member\\?code=`));
    const codes = await sheet.locator('.slip-code').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    expect(new Set(codes).size).toBe(2);
    expect(await admin.locator('.code-overlay button.print-slip').textContent()).toBe('打印全部 2 张登记单');
    await shot(admin, 'admin-375-3b-slip-sheet', false);
    await admin.locator('.code-overlay button.close-slip').click();
    expect(await admin.locator('.code-overlay').count()).toBe(0);
    expect(await admin.locator('.members-admin .sheet-msg').textContent()).toBe('已为 2 名委员发放登记码。');
  });

  it('revoking a device on the page: the device’s next API call fails with 401 device_revoked, and the page shows it revoked', async () => {
    // A device played by this test, enrolled with a code read off the page.
    const wang = await enrolAndLogin(new Api(service.url), (await issueCodeOnPage(admin, person('王毅'))).code);
    expect((await wang.api.get('/v1/me')).status).toBe(200);
    const devices = await openDevices(person('王毅'));
    expect(await devices.count()).toBe(1);
    expect(await devices.first().getAttribute('data-revoked')).toBe('false');
    await devices.first().locator('button.revoke').click();
    await devices.first().locator('.revoke-confirm').waitFor();
    await shot(admin, 'admin-375-5-revoke-confirm');
    // Nothing happens before the confirmation.
    expect((await wang.api.get('/v1/me')).status).toBe(200);
    await devices.first().locator('button.confirm-revoke').click();
    await person('王毅').locator('li.device[data-revoked="true"]').waitFor();
    expect(await person('王毅').locator('li.device .revoked-badge').textContent()).toBe('已吊销');
    expect(await person('王毅').locator('li.device button.revoke').count()).toBe(0);
    expect(await person('王毅').locator('.person-head [data-devices]').textContent()).toBe('设备均已吊销');
    const after = await wang.api.get('/v1/me');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('device_revoked');

    // The browser phone of 赵乐际: its next call (the page refreshes every 2 s) is refused.
    const phoneDevices = await openDevices(person('赵乐际'));
    expect(await phoneDevices.count()).toBe(1);
    const refused = member.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/v1/') && r.status() === 401, { timeout: 15_000 });
    await phoneDevices.first().locator('button.revoke').click();
    await phoneDevices.first().locator('button.confirm-revoke').click();
    await person('赵乐际').locator('li.device[data-revoked="true"]').waitFor();
    expect(((await (await refused).json()) as { code: string }).code).toBe('device_revoked');
    await shot(admin, 'admin-375-6-revoked');
    await member.reload();
    await member.locator('.signin .notice.error').waitFor();
    expect(await member.locator('.signin .notice.error').textContent()).toContain('设备已被吊销');
  });

  it('a voting-right box moves only when the service has saved the change', async () => {
    const right = person('王毅').locator('input[name=votingRight]');
    expect(await right.isChecked()).toBe(true);
    // Hold the PATCH in flight: until the service answers, the box still shows the saved state.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const pattern = `**/v1/committees/${committeeId}/members/*`;
    await admin.route(pattern, async (route) => {
      await held;
      await route.continue();
    });
    const saved = admin.waitForResponse((r) => r.request().method() === 'PATCH');
    await right.click();
    expect(await right.isChecked()).toBe(true);
    await expect.poll(() => right.getAttribute('aria-busy')).toBe('true');
    expect(await right.isChecked()).toBe(true);
    release();
    expect((await saved).status()).toBe(200);
    await admin.unroute(pattern);
    await expect.poll(() => right.isChecked()).toBe(false);
    await expect.poll(() => person('王毅').locator('.badge.off').textContent()).toBe('无表决权');
    await right.click();
    await expect.poll(() => right.isChecked()).toBe(true);
    expect(await person('王毅').locator('.badge.off').count()).toBe(0);
  });

  it('the roster is locked while a vote is not closed: the page shows the refusal and keeps the names', async () => {
    const sec = await enrolAndLogin(new Api(service.url), (await issueCodeOnPage(admin, person('人大秘书'))).code);
    const meeting = await sec.api.post(`/v1/committees/${committeeId}/meetings`, { title: '第3次会议' });
    expect(meeting.status).toBe(201);
    const vote = await sec.api.post(`/v1/meetings/${meeting.body.id}/votes`, { title: '任免', items: [{ post: '秘书长', seats: 1, candidates: ['李强'] }] });
    expect(vote.status).toBe(201);

    // The box never shows an unsaved roster: it stays ticked while the change is asked for and
    // after the refusal (a click, not uncheck(): the box is not meant to change).
    const right = person('李强').locator('input[name=votingRight]');
    const refused = admin.waitForResponse((r) => r.request().method() === 'PATCH');
    await right.click();
    expect((await refused).status()).toBe(409);
    const error = person('李强').locator('.person-msg .notice.error');
    await error.waitFor();
    expect(await error.textContent()).toContain('有表决尚未结束');
    expect(await error.textContent()).toContain('当前状态不允许此操作');
    expect(await right.isChecked()).toBe(true);
    await shot(admin, 'admin-375-7-roster-locked');

    await admin.fill('#member-names', '石泰峰\n刘国中');
    await admin.click('button.add-members');
    await admin.locator('.members-admin .notice.error').waitFor();
    expect(await admin.inputValue('#member-names')).toBe('石泰峰\n刘国中');
    expect(await admin.locator('.members-admin li.person').count()).toBe(3);
  });

  it('removes a secretary after a confirmation: the row goes and the chain records who removed whom', async () => {
    await admin.fill('#secretary-name', '临时秘书');
    await admin.click('button.appoint-secretary');
    const row = admin.locator('.secretaries-admin li.person[data-name="临时秘书"]');
    await row.waitFor();
    const personId = (await row.getAttribute('data-person-id'))!;
    // The committee was created with the page's default visibility, restricted (issue 12): its
    // chain is read here from the service's database rather than anonymously.
    const removals = async () => {
      const rows = await service.ctx.db.query<{ entry: string }>(
        "SELECT entry FROM chain_entries WHERE committee_id = $1 AND kind = 'secretary.removed' ORDER BY seq",
        [committeeId],
      );
      return rows.map((r) => JSON.parse(r.entry) as { kind: string; body: { personId: string; by: string } });
    };

    // Dismissing the question changes nothing.
    admin.once('dialog', (d) => void d.dismiss());
    await row.locator('button.remove-secretary').click();
    expect(await row.count()).toBe(1);
    expect(await removals()).toEqual([]);

    admin.once('dialog', (d) => {
      expect(d.message()).toContain('免去临时秘书的秘书职务');
      void d.accept();
    });
    await row.locator('button.remove-secretary').click();
    // The appointment's notice is still showing: wait for the removal's own.
    await admin.locator('.secretaries-admin .notice.ok', { hasText: '免去' }).waitFor();
    expect(await admin.locator('.secretaries-admin .notice.ok').textContent()).toBe('已免去临时秘书的秘书职务。');
    expect(await row.count()).toBe(0);
    expect(await admin.locator('.secretaries-admin li.person[data-name="人大秘书"]').count()).toBe(1);
    const [removed] = await removals();
    expect(removed!.body.personId).toBe(personId);
    // `by` names the administrator, as the chain's own admin.granted entry does.
    const granted = await service.ctx.db.query<{ entry: string }>(
      "SELECT entry FROM chain_entries WHERE committee_id = $1 AND kind = 'admin.granted' ORDER BY seq",
      [committeeId],
    );
    const admins = granted.map((r) => (JSON.parse(r.entry) as { body: { personId: string } }).body.personId);
    // And the chain itself is not for anyone who is not signed in as one of the committee's people.
    expect((await new Api(service.url).get(`/v1/committees/${committeeId}/chain`)).status).toBe(404);
    expect(admins).toContain(removed!.body.by);
  });

  it('switches to English, still within 375 px', async () => {
    await admin.click('button.lang');
    await admin.locator('.members-admin h2').waitFor();
    expect(await admin.locator('.members-admin h2').textContent()).toContain('Members');
    expect(await width(admin)).toBeLessThanOrEqual(375);
    await shot(admin, 'admin-375-8-english');
  });
});
