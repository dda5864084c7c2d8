// The secretary's, the projector's and the observer's pages on a 375 px phone (staff run a
// meeting from a phone too, and anyone may open the projector or check a record on one): each
// page fits the width (no sideways scrolling), no button is cut off at the edge, and no text is
// smaller than 16 px. The meeting is driven through the API; only the pages are looked at.
// Screenshots: test-results/screenshots/secretary-375-*, projector-375-*, observer-375-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PHONE, shot } from './browser.ts';
import { expectFitsPhone } from './phone.ts';
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
let def: VoteDefinition;
let secretary: Page;
let projectorHref: string;

beforeAll(async () => {
  service = await startTestService();
  browser = await launchChromium();
  admin = await adminSession(service);
  // Long names and posts, as real ones are: the layout must wrap them, not scroll.
  c = await createCommittee(admin, '某某自治县人民代表大会常务委员会', NAMES.slice(0, 5));
  meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '第十八届人民代表大会常务委员会第二十三次会议' })).body.id;
  def = (
    await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: '关于任免县人民政府组成人员的表决',
      items: [
        {
          post: '县人民政府办公室主任',
          seats: 1,
          candidates: [{ name: '欧阳建国', currentPost: '县发展和改革委员会主任', proposedPost: '县人民政府办公室主任' }],
        },
        {
          post: '县人民政府副县长',
          seats: 2,
          candidates: [
            { name: '司马光明', currentPost: '某某镇党委书记、镇人大主席团主席', proposedPost: '县人民政府副县长' },
            { name: '李干杰', currentPost: '县财政局局长' },
            { name: '于伟国' },
          ],
        },
      ],
    })
  ).body.definition;
  await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
  await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

describe('staff pages on a 375 px phone', () => {
  it('the secretary’s page with the vote open and ballots coming in fits the phone', async () => {
    const code = (await admin.api.post(`/v1/people/${c.secretary.personId}/enrolment-codes`)).body.code;
    secretary = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    await secretary.goto(`${service.url}/#/secretary?committee=${c.id}&meeting=${meetingId}&code=${code}`);
    await secretary.click('form.enrol button[type=submit]');
    const card = secretary.locator(`.vote-admin[data-vote-id="${def.voteId}"]`);
    await card.locator('button.open-vote').waitFor({ timeout: 30_000 });
    await card.locator('button.open-vote').click();
    await secretary.locator(`.vote-admin[data-vote-id="${def.voteId}"][data-state="open"]`).waitFor({ timeout: 30_000 });
    // Three of five cast from their own devices.
    for (const m of c.members.slice(0, 3))
      expect((await cast(service.url, await obtainToken(m, def), approveOnly(def, ['欧阳建国', '司马光明', '李干杰']))).status).toBe(201);
    await expect.poll(() => secretary.locator(`.turnout[data-vote-id="${def.voteId}"]`).getAttribute('data-returned'), { timeout: 30_000 }).toBe('3');
    projectorHref = (await card.locator('a.projector-link').getAttribute('href'))!;
    await shot(secretary, 'secretary-375-1-open-vote');
    await expectFitsPhone(secretary);
  });

  it('the projector page while voting fits the phone, every candidate shown', async () => {
    const screen = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    await screen.goto(`${service.url}/${projectorHref}`);
    await expect.poll(() => screen.locator('[data-figure="returned"]').first().textContent(), { timeout: 30_000 }).toBe('3');
    expect(await screen.locator('.banner').getAttribute('data-state')).toBe('open');
    expect(await screen.locator('section.result-item tbody tr').count()).toBe(4);
    await shot(screen, 'projector-375-1-voting');
    await expectFitsPhone(screen);
    await screen.context().close();
  });

  it('the secretary’s page after the close shows the result and fits the phone', async () => {
    for (const m of c.members.slice(3)) expect((await cast(service.url, await obtainToken(m, def), approveOnly(def, ['欧阳建国', '于伟国']))).status).toBe(201);
    await closeAndPublish(c.secretary, c.members, def.voteId, { inspectors: c.members.slice(0, 2) });
    await secretary.locator(`.vote-admin[data-vote-id="${def.voteId}"][data-state="closed"]`).waitFor({ timeout: 30_000 });
    const card = secretary.locator(`.vote-admin[data-vote-id="${def.voteId}"]`);
    await card.locator('.vote-result .item-outcome').first().waitFor({ timeout: 30_000 });
    expect(await card.locator('.vote-result .item-outcome').count()).toBe(2);
    await shot(secretary, 'secretary-375-2-closed-result');
    await expectFitsPhone(secretary);
  });

  it('the secretary’s page in English fits the phone too', async () => {
    await secretary.click('button.lang');
    await secretary.getByRole('button', { name: '中文', exact: true }).waitFor();
    await secretary.locator(`.vote-admin[data-vote-id="${def.voteId}"] .vote-result .item-outcome`).first().waitFor({ timeout: 30_000 });
    await shot(secretary, 'secretary-375-3-english');
    await expectFitsPhone(secretary);
  });

  it('the projector page with the verified result fits the phone', async () => {
    const screen = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    await screen.goto(`${service.url}/${projectorHref}`);
    await screen.locator('td.outcome[data-outcome="elected"]').first().waitFor({ timeout: 30_000 });
    expect(await screen.locator('.banner').getAttribute('data-state')).toBe('result');
    await shot(screen, 'projector-375-2-result');
    await expectFitsPhone(screen);
    await screen.context().close();
  });

  it('the observer page with the record verified fits the phone', async () => {
    const observer = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    await observer.goto(`${service.url}/#/observer?record=${encodeURIComponent(`/v1/votes/${def.voteId}/record`)}`);
    await observer.locator('.report-view[data-ok="true"]').waitFor({ timeout: 60_000 });
    await shot(observer, 'observer-375-1-verified');
    await expectFitsPhone(observer);
    await observer.context().close();
  });
});
