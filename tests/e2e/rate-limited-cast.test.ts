// A phone whose address has used its share of casts (another device behind the same address
// cast first) is answered 429 rate_limited: the ballot stays in the phone's outbox, the page
// says it is retried by itself, and it is sent again round after round until the window ends
// and it is recorded. The service is real; the limit is one cast per 30-s window per address.
// Screenshot: test-results/screenshots/rate-limited-cast-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PHONE, shot } from './browser.ts';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee } from '../helpers/world.ts';
import { approveOnly, cast, obtainToken } from '../helpers/voting.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';

let service: TestService;
let browser: Browser;
let admin: Session;
let phone: Page;

beforeAll(async () => {
  service = await startTestService({ env: { PIAOJUE_RATE_LIMIT_CAST: '1', PIAOJUE_RATE_LIMIT_WINDOW_MS: '30000' } });
  browser = await launchChromium();
  admin = await adminSession(service);
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

describe('a cast refused for the address’s rate limit', () => {
  it('stays in the outbox, is sent again by itself, and is recorded once the window ends', async () => {
    const c = await createCommittee(admin, '限流委员会', ['王毅', '李强']);
    const [m0, m1] = c.members as [Session, Session];
    const code = (await admin.api.post(`/v1/people/${m0.personId}/enrolment-codes`)).body.code;
    phone = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    const casts: number[] = [];
    phone.on('response', (res) => {
      if (res.request().method() === 'POST' && new URL(res.url()).pathname === '/v1/ballots') casts.push(res.status());
    });
    await phone.goto(`${service.url}/#/member?code=${code}`);
    await phone.click('form.enrol button[type=submit]');
    await phone.locator('.me-name').waitFor({ timeout: 15_000 });

    const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id;
    const def: VoteDefinition = (await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body.definition;
    await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    const card = phone.locator(`section.vote[data-vote-id="${def.voteId}"]`);
    await card.locator('.token-ready').waitFor({ timeout: 30_000 });
    const token = await obtainToken(m1, def);
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
    await card.locator('li.candidate button[data-mark="approve"]').waitFor({ timeout: 30_000 });

    // Another member behind the same address (127.0.0.1) casts first: the address's one cast.
    expect((await cast(service.url, token, approveOnly(def, ['王一']))).status).toBe(201);

    await card.locator('li.candidate button[data-mark="approve"]').click();
    await card.locator('button.cast').click();
    await card.locator('button.confirm-cast').click();
    await card.locator('.outbox[data-outbox="retrying"]').waitFor({ timeout: 30_000 });
    expect(casts[0]).toBe(429);
    const text = await card.locator('.outbox').textContent();
    expect(text).toContain('本网络地址发出的请求过多');
    expect(text).toContain('恢复后自动重新投出');
    await shot(phone, 'rate-limited-cast-1-retrying');

    // Sent again by itself, without the member doing anything, until the window ends.
    await card.locator('.voted').waitFor({ timeout: 60_000 });
    expect(casts.at(-1)).toBe(201);
    expect(casts.slice(0, -1).every((s) => s === 429)).toBe(true);
    const status = await m0.api.get(`/v1/votes/${def.voteId}/status`);
    expect(status.body.turnout).toEqual({ issued: 2, returned: 2 });
  }, 120_000);
});
