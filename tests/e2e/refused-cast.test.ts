// A ballot the service refuses for good leaves the phone's outbox as 未能投出：<reason>, not
// retried: a 409 (invalid_state, as it answers a cast after the close; only the answer is
// replaced) and a 422 (invalid_ballot_signature: the ballot is altered on the wire and the real
// service refuses it). A spent enrolment code is refused on the enrol page with its own message
// only, in Chinese and, after the switch, English.
// Screenshots: test-results/screenshots/refused-cast-*.png.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PHONE, shot } from './browser.ts';
import { castApproval, enrolledPhone, openOneVote, useBrowserWorld } from './phone.ts';
import type { Session } from '../helpers/client.ts';
import { createCommittee } from '../helpers/world.ts';

const world = useBrowserWorld();
let phone: Page;
let usedCode: string;

describe('a cast the service refuses for good', () => {
  it('shows the outbox as refused, with the reason in Chinese, and does not send it again', async () => {
    const c = await createCommittee(world.admin, '拒收委员会', ['王毅', '李强']);
    const [m0] = c.members as [Session, Session];
    const casts: number[] = [];
    ({ page: phone, code: usedCode } = await enrolledPhone(world, m0.personId, (page) =>
      page.route('**/v1/ballots', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        casts.push(409);
        await route.fulfill({
          status: 409,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: '状态不允许 / Invalid state', status: 409, code: 'invalid_state', detail: 'the vote is closed' }),
        });
      }),
    ));

    const { def, card } = await openOneVote(c, phone);
    await castApproval(card);
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
    const c = await createCommittee(world.admin, '验签委员会', ['赵乐际', '王沪宁']);
    const [m0] = c.members as [Session, Session];
    // The ballot as the phone built it, altered on the way: one bit of its Ed25519 signature
    // flipped. The real service then answers 422 invalid_ballot_signature.
    const casts: { status: number; code: string }[] = [];
    const { page } = await enrolledPhone(world, m0.personId, (page) =>
      page.route('**/v1/ballots', async (route) => {
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
      }),
    );

    const { def, meetingId, card } = await openOneVote(c, page);
    await castApproval(card);
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
    const other = await (await world.browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    await other.goto(`${world.service.url}/#/member?code=${usedCode}`);
    await other.click('form.enrol button[type=submit]');
    const refused = other.locator('form.enrol .status-line .notice.error');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toBe('登记码无效、已用或已过期，请向管理员索取新的登记码。');
    await shot(other, 'refused-cast-2-spent-code');

    await other.click('button.lang');
    await other.locator('form.enrol').waitFor();
    if ((await other.inputValue('#enrol-code')) === '') await other.fill('#enrol-code', usedCode);
    await other.click('form.enrol button[type=submit]');
    await expect
      .poll(() => other.locator('form.enrol .status-line .notice.error').textContent(), { timeout: 15_000 })
      .toBe('The enrolment code is invalid, used or expired; ask the administrator for a new one.');
  }, 60_000);
});
