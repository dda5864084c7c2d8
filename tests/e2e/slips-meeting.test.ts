// Issue 15 end to end in the browser, with nothing over the API but what happens on other people's
// devices (the administrator's enrolment code, the inspectors' countersignatures): the secretary
// sets up a meeting of participants holding slips on her page — a 民主推荐 (k = 2 of five names,
// 过半数) and a 民主测评 (three cadres) — prints a batch of four slips and voids the one not handed
// out; three participants open their slips' links on their phones and cast both ballots (one
// over-marks and is warned); the projector, open before the close, shows each result the moment
// the secretary closes the vote, with 实到 the slips issued; the printed sheet matches; and the
// published records verify. Screenshots: test-results/screenshots/slips-meeting-*.png (each an
// axe checkpoint).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JSONWebKeySet } from 'jose';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, PHONE, shot } from './browser.ts';
import { Api } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import { rng } from '../helpers/voting.ts';
import { closingView, countersign } from '../../src/client/close.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';

let service: TestService;
let browser: Browser;
let c: CommitteeFixture;
let secretary: Page;
let projector: Page;
let recId: string;
let evalId: string;
let links: string[] = [];

const ELIGIBLE = ['张伟', '李强', '王芳', '刘洋', '陈静'];
// The names in surname stroke order, as the page previews them and the service keeps them.
const STROKE = ['王芳', '刘洋', '李强', '张伟', '陈静'];
const CADRES = ['周涛', '吴昊', '徐丽'];

const card = (voteId: string) => secretary.locator(`.vote-admin[data-vote-id="${voteId}"]`);
const anon = () => new Api(service.url);

beforeAll(async () => {
  service = await startTestService();
  browser = await launchChromium();
  const admin = await adminSession(service);
  c = await createCommittee(admin, '县委组织部', ['监票人甲', '监票人乙']);
  const code = (await admin.api.post(`/v1/people/${c.secretary.personId}/enrolment-codes`)).body.code;
  secretary = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  await secretary.goto(`${service.url}/#/secretary?committee=${c.id}&code=${code}`);
  await secretary.click('form.enrol button[type=submit]');
  await secretary.locator('form.new-slips-meeting').waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

/** The participant's phone: opens the slip's link, as scanning its QR code would. */
async function phone(link: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
  await page.goto(link);
  return page;
}

async function cast(ballot: Locator): Promise<void> {
  await ballot.locator('button.cast').click();
  await ballot.locator('button.confirm-cast').click();
  await ballot.locator('.voted').waitFor({ timeout: 30_000 });
}

async function vote(link: string, marks: string[], grades: Record<string, string>, name: string): Promise<void> {
  const page = await phone(link);
  const rec = page.locator(`section.slip-vote[data-vote-id="${recId}"]`);
  await rec.locator('input.name-search').waitFor({ timeout: 30_000 });
  for (const n of marks) {
    await rec.locator('input.name-search').fill(n.slice(1));
    await rec.locator(`li.name-row[data-candidate="${n}"] label`).click();
  }
  await rec.locator('input.name-search').fill('');
  expect(await rec.locator('.mark-count').textContent()).toBe(`已推荐 ${marks.length} / 2`);
  expect(await rec.locator('.over-warning').isVisible()).toBe(marks.length > 2);
  await shot(page, `slips-meeting-${name}-recommendation`);
  await cast(rec);
  const ev = page.locator(`section.slip-vote[data-vote-id="${evalId}"]`);
  for (const [cadre, grade] of Object.entries(grades)) await ev.locator(`fieldset.cadre[data-candidate="${cadre}"] input[data-grade="${grade}"]`).check();
  await cast(ev);
  await page.context().close();
}

/** Closes the vote on the secretary's page; the inspectors countersign on their devices. */
async function close(voteId: string): Promise<void> {
  await card(voteId).locator('button.close-vote').click();
  await secretary.locator(`.vote-admin[data-vote-id="${voteId}"][data-state="confirming"]`).waitFor({ timeout: 30_000 });
  await card(voteId).locator('button.seal').click();
  await card(voteId).locator('textarea.unconfirmed-reason').waitFor();
  await card(voteId).locator('button.seal-with-reason').click();
  await secretary.locator(`.vote-admin[data-vote-id="${voteId}"][data-state="countersigning"]`).waitFor({ timeout: 30_000 });
  const view = await closingView(c.secretary, voteId);
  for (const inspector of c.members) await countersign(inspector, voteId, view.sealHash!);
  await secretary.locator(`.vote-admin[data-vote-id="${voteId}"][data-state="closed"] .shaped-outcome`).waitFor({ timeout: 30_000 });
}

const figures = async (page: Page) =>
  Object.fromEntries(
    await Promise.all(
      ['entitled', 'present', 'issued', 'returned', 'valid', 'invalid'].map(async (k) => [k, await page.locator(`[data-figure="${k}"]`).textContent()]),
    ),
  );

describe('a meeting of participants holding slips, run in the browser', () => {
  it('the secretary sets up the meeting, a 民主推荐 from a pasted list and a 民主测评', async () => {
    await secretary.fill('input[name=slips-meeting-title]', '全县领导干部会议');
    await secretary.fill('input[name=slips-meeting-entitled]', '6');
    await secretary.click('button.create-slips-meeting');
    await secretary.locator('section.card.meeting .slips-kind').waitFor();
    const form = secretary.locator('section.new-shaped-vote');
    await form.locator('input[name=shaped-title]').fill('副科级领导职务民主推荐');
    await form.locator('input[name=post]').fill('县直单位副科级领导职务');
    await form.locator('input[name=maxMarks]').fill('2');
    await form.locator('textarea[name=eligible]').fill(ELIGIBLE.join('\n'));
    await expect
      .poll(() => form.locator('.eligible-preview .sorted-names li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-candidate'))))
      .toEqual(STROKE);
    await form.locator('button.save-shaped-vote').click();
    await secretary.locator('.vote-admin[data-state="draft"]').waitFor();
    recId = (await secretary.locator('.vote-admin').first().getAttribute('data-vote-id'))!;
    await form.locator('input[value=evaluation]').check();
    await form.locator('input[name=shaped-title]').fill('科级领导干部民主测评');
    await form.locator('input[name=evaluation-title]').fill('2026 年度科级领导干部民主测评表');
    await form.locator('textarea[name=cadres]').fill(CADRES.join('\n'));
    await form.locator('button.save-shaped-vote').click();
    await expect.poll(() => secretary.locator('.vote-admin[data-state="draft"]').count()).toBe(2);
    evalId = (await secretary.locator('.vote-admin[data-state="draft"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-vote-id')))).find(
      (id) => id !== recId,
    )!;
    await shot(secretary, 'slips-meeting-1-set-up');
  });

  it('prints four slips, voids the one not handed out, designates the inspectors and opens both votes', async () => {
    await secretary.click('button.open-meeting');
    await secretary.locator('section.card.meeting .badge.open').waitFor();
    await secretary.fill('input[name=slip-count]', '4');
    await secretary.click('button.print-batch');
    await expect.poll(() => secretary.locator('.participation-sheet .pslip').count()).toBe(4);
    links = await secretary.locator('.participation-sheet .pslip-link').allTextContents();
    expect(links.every((l) => l.startsWith(`${service.url}/#/slip/pjp_`))).toBe(true);
    await secretary.fill('textarea[name=void-codes]', links[3]!);
    await secretary.click('button.void-codes');
    await secretary.locator('.slip-counts[data-printed="4"][data-issued="3"][data-voided="1"]').waitFor();
    for (const m of c.members) await secretary.locator(`.slips-inspectors input[value="${m.personId}"]`).check();
    await secretary.click('.slips-inspectors button.designate-inspectors');
    await secretary.locator('.slips-inspectors[data-inspectors="2"]').waitFor();
    for (const id of [recId, evalId]) {
      await card(id).locator('button.open-vote').click();
      await secretary.locator(`.vote-admin[data-vote-id="${id}"][data-state="open"]`).waitFor();
    }
    projector = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 720 } })).newPage();
    await projector.goto(`${service.url}/#/projector?committee=${c.id}&vote=${recId}`);
    await projector.locator('.banner[data-state="open"]').waitFor({ timeout: 30_000 });
    await shot(secretary, 'slips-meeting-2-open');
  });

  it('three participants vote on their phones; the voided slip is refused', async () => {
    await vote(links[0]!, ['王芳', '李强'], { 周涛: 'excellent', 吴昊: 'competent', 徐丽: 'competent' }, 'a');
    await vote(links[1]!, ['王芳'], { 周涛: 'excellent', 吴昊: 'adequate', 徐丽: 'inadequate' }, 'b');
    // Three of k = 2: warned, cast anyway, counted 无效 as on paper.
    await vote(links[2]!, ['王芳', '李强', '陈静'], { 周涛: 'competent', 吴昊: 'competent', 徐丽: 'abstain' }, 'c');
    const refused = await phone(links[3]!);
    await refused.locator('.slip-refused[data-code="slip_voided"]').waitFor({ timeout: 30_000 });
    await refused.context().close();
    for (const id of [recId, evalId])
      await secretary.locator(`.turnout[data-vote-id="${id}"][data-issued="3"][data-returned="3"]`).waitFor({ timeout: 30_000 });
  });

  it('the secretary closes the 民主推荐: the projector shows the 民主推荐票统计表 at once, 实到 the slips issued', async () => {
    await close(recId);
    await projector.locator('.banner[data-state="result"]').waitFor({ timeout: 30_000 });
    expect(await figures(projector)).toEqual({ entitled: '6', present: '3', issued: '3', returned: '3', valid: '2', invalid: '1' });
    const rows = await projector
      .locator('.recommendation-table tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-candidate'),
          tr.querySelector('[data-col="votes"]')?.textContent,
          tr.querySelector('[data-col="percent"]')?.textContent,
        ]),
      );
    // 王芳 2 of 2 valid ballots (过半数), 李强 1 of 2 (not more than half); the others none.
    expect(rows).toEqual([
      ['王芳', '2', '100.00%'],
      ['李强', '1', '50.00%'],
      ['刘洋', '0', '0.00%'],
      ['张伟', '0', '0.00%'],
      ['陈静', '0', '0.00%'],
    ]);
    await shot(projector, 'slips-meeting-3-projector-recommendation');
  });

  it('closes the 民主测评: the projector and the printed 民主测评结果汇总表 show the grades per cadre', async () => {
    await close(evalId);
    await projector.goto(`${service.url}/#/projector?committee=${c.id}&vote=${evalId}`);
    await projector.locator('.evaluation-table tbody tr').first().waitFor({ timeout: 30_000 });
    const cols = ['excellent', 'competent', 'adequate', 'inadequate', 'abstain'];
    const grades = await projector
      .locator('.evaluation-table tbody tr')
      .evaluateAll(
        (trs, cols) =>
          trs.map((tr) => [tr.getAttribute('data-candidate'), ...cols.map((g) => tr.querySelector(`[data-grade="${g}"], [data-col="${g}"]`)?.textContent)]),
        cols,
      );
    expect(grades).toEqual([
      ['周涛', '2', '1', '0', '0', '0'],
      ['吴昊', '0', '2', '1', '0', '0'],
      ['徐丽', '0', '1', '0', '1', '1'],
    ]);
    await shot(projector, 'slips-meeting-4-projector-evaluation');
    await projector.locator('a.report-link').click();
    await projector.locator('.report.sheet tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await projector.locator('.report.sheet h1').textContent()).toBe('民主测评结果汇总表');
    expect(await projector.locator('.report.sheet .report-meeting').textContent()).toBe('全县领导干部会议');
    expect(await projector.locator('.report.sheet tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-candidate')))).toEqual(CADRES);
    await shot(projector, 'slips-meeting-5-sheet');
  });

  it('publishes records that the verifier passes', async () => {
    const jwks = (await anon().get('/.well-known/jwks.json')).body as JSONWebKeySet;
    for (const id of [recId, evalId]) {
      const report = await verifyRecord((await anon().get(`/v1/votes/${id}/record`)).body, { jwks, randomBytes: rng });
      expect(report.checks.filter((x) => !x.ok)).toEqual([]);
      expect(report.ok).toBe(true);
    }
  });
});
