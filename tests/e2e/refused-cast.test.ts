// A ballot the service refuses for good leaves the phone's outbox as 未能投出：<reason>, not
// retried: a 409 (invalid_state, as it answers a cast after the close; only the answer is
// replaced) and a 422 (invalid_ballot_signature: the ballot is altered on the wire and the real
// service refuses it). A spent enrolment code is refused on the enrol page with its own message
// only, in Chinese and, after the switch, English.
// Screenshots: test-results/screenshots/refused-cast-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PHONE, shot } from './browser.ts';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee } from '../helpers/world.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';

let service: TestService;
let browser: Browser;
let admin: Session;
let phone: Page;
let usedCode: string;

beforeAll(async () => {
  service = await startTestService();
  browser = await launchChromium();
  admin = await adminSession(service);
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

describe('a cast the service refuses for good', () => {
  it('shows the outbox as refused, with the reason in Chinese, and does not send it again', async () => {
    const c = await createCommittee(admin, '拒收委员会', ['王毅', '李强']);
    const [m0] = c.members as [Session, Session];
    usedCode = (await admin.api.post(`/v1/people/${m0.personId}/enrolment-codes`)).body.code;
    phone = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    const casts: number[] = [];
    await phone.route('**/v1/ballots', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      casts.push(409);
      await route.fulfill({
        status: 409,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: '状态不允许 / Invalid state', status: 409, code: 'invalid_state', detail: 'the vote is closed' }),
      });
    });
    await phone.goto(`${service.url}/#/member?code=${usedCode}`);
    await phone.click('form.enrol button[type=submit]');
    await phone.locator('.me-name').waitFor({ timeout: 15_000 });

    const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    const def: VoteDefinition = (await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body.definition;
    await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    const card = phone.locator(`section.vote[data-vote-id="${def.voteId}"]`);
    await card.locator('.token-ready').waitFor({ timeout: 30_000 });
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    await card.locator('li.candidate button[data-mark="approve"]').waitFor({ timeout: 30_000 });

    await card.locator('li.candidate button[data-mark="approve"]').click();
    await card.locator('button.cast').click();
    await card.locator('button.confirm-cast').click();
    const outbox = card.locator('.outbox[data-outbox="refused"]');
    await outbox.waitFor({ timeout: 30_000 });
    expect(await outbox.textContent()).toBe('未能投出：当前状态不允许此操作，请刷新页面查看最新状态。');
    expect(await outbox.getAttribute('role')).toBe('alert');
    expect(await card.locator('.voted').count()).toBe(0);
    await shot(phone, 'refused-cast-1-refused');

    // Not sent again: the refusal is final. The next refresh of the page keeps it refused.
    await phone.reload();
    await card.locator('.outbox[data-outbox="refused"]').waitFor({ timeout: 30_000 });
    expect(casts).toEqual([409]);
    const status = await m0.api.get(`/v1/votes/${def.voteId}/status`);
    expect(status.body.turnout).toEqual({ issued: 1, returned: 0 });
  }, 120_000);
});

describe('a cast the service refuses as invalid (422)', () => {
  it('shows the outbox as refused with the invalid_ballot_signature message, and never sends the ballot again', async () => {
    const c = await createCommittee(admin, '验签委员会', ['赵乐际', '王沪宁']);
    const [m0] = c.members as [Session, Session];
    const code = (await admin.api.post(`/v1/people/${m0.personId}/enrolment-codes`)).body.code;
    const page = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    // The ballot as the phone built it, altered on the way: one bit of its Ed25519 signature
    // flipped. The real service then answers 422 invalid_ballot_signature.
    const casts: { status: number; code: string }[] = [];
    await page.route('**/v1/ballots', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const sent = route.request().postData()!;
      const body = JSON.parse(sent) as { ballotSignature: string };
      const sig = Buffer.from(body.ballotSignature, 'base64url');
      sig[40] = sig[40]! ^ 0x01;
      const altered = sent.replace(body.ballotSignature, sig.toString('base64url'));
      expect(altered.length).toBe(sent.length);
      expect(altered).not.toBe(sent);
      const response = await route.fetch({ postData: altered });
      casts.push({ status: response.status(), code: ((await response.json()) as { code: string }).code });
      await route.fulfill({ response });
    });
    await page.goto(`${service.url}/#/member?code=${code}`);
    await page.click('form.enrol button[type=submit]');
    await page.locator('.me-name').waitFor({ timeout: 15_000 });

    const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    const def: VoteDefinition = (await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body.definition;
    await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    const card = page.locator(`section.vote[data-vote-id="${def.voteId}"]`);
    await card.locator('.token-ready').waitFor({ timeout: 30_000 });
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    await card.locator('li.candidate button[data-mark="approve"]').waitFor({ timeout: 30_000 });

    await card.locator('li.candidate button[data-mark="approve"]').click();
    await card.locator('button.cast').click();
    await card.locator('button.confirm-cast').click();
    const outbox = card.locator('.outbox[data-outbox="refused"]');
    await outbox.waitFor({ timeout: 30_000 });
    expect(casts).toEqual([{ status: 422, code: 'invalid_ballot_signature' }]);
    expect(await outbox.textContent()).toBe('未能投出：选票签名无效，未被接受。请向会务工作人员求助。');
    expect(await outbox.getAttribute('role')).toBe('alert');
    expect(await card.locator('.voted').count()).toBe(0);
    await shot(page, 'refused-cast-3-invalid-ballot');

    // The refusal is definite: the page's next rounds (each fetches the meeting's votes, then
    // works the outbox), one started at once by an 'online' event, send nothing more.
    const rounds = async (n: number) => {
      for (let i = 0; i < n; i++) await page.waitForResponse((r) => r.url().endsWith(`/v1/meetings/${meetingId}/votes`), { timeout: 30_000 });
    };
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await rounds(3);
    await page.reload();
    await card.locator('.outbox[data-outbox="refused"]').waitFor({ timeout: 30_000 });
    await rounds(2);
    expect(casts).toHaveLength(1);
    expect(await card.locator('.outbox[data-outbox="refused"]').textContent()).toBe('未能投出：选票签名无效，未被接受。请向会务工作人员求助。');
    const status = await m0.api.get(`/v1/votes/${def.voteId}/status`);
    expect(status.body.turnout).toEqual({ issued: 1, returned: 0 });
    await page.context().close();
  }, 120_000);
});

describe('a spent enrolment code on the enrol page', () => {
  it('is refused with the enrolment_code_invalid message only, in Chinese and then in English', async () => {
    const other = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    await other.goto(`${service.url}/#/member?code=${usedCode}`);
    await other.click('form.enrol button[type=submit]');
    const refused = other.locator('form.enrol .status-line .notice.error');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toBe('登记码无效、已用或已过期，请向管理员索取新的登记码。');
    await shot(other, 'refused-cast-2-spent-code');

    await other.click('button.lang');
    await other.locator('form.enrol').waitFor();
    if ((await other.inputValue('#enrol-code')) === '') await other.fill('#enrol-code', usedCode);
    await other.click('form.enrol button[type=submit]');
    await expect.poll(() => other.locator('form.enrol .status-line .notice.error').textContent(), { timeout: 15_000 }).toBe('The enrolment code is invalid, used or expired; ask the administrator for a new one.');
  }, 60_000);
});
