// Issue 15 on the secretary's page: a meeting of participants holding slips set up and run from
// the browser — the meeting with its 应到, a 民主推荐 from a pasted list (previewed in stroke
// order, a refusal of the service shown by its field), a 民主测评, a batch of three slips printed
// on a sheet with their QR codes, one voided, the inspectors designated, both votes opened; the
// participants' phones (this test's API clients, as the demo drives them) spend their slips
// and cast; the secretary closes both votes in the browser, and the published records verify.
// Then a 三元测评 composite of three evaluations published from the page. Each view is an axe
// checkpoint; screenshots: test-results/screenshots/slips-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, shot } from './browser.ts';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import { castBallot, closeAndPublish, rng } from '../helpers/voting.ts';
import { obtainSlipToken, redeemSlip } from '../../src/client/participant.ts';
import { closingView, countersign } from '../../src/client/close.ts';
import { sortNames } from '../../src/collation/index.ts';
import type { AnyVoteDefinition } from '../../src/protocol/ballot.ts';
import { buildBallot } from '../../src/protocol/member-ballot.ts';
import type { EvaluationItem, EvaluationTally, RecommendationItem, RecommendationTally } from '../../src/protocol/shapes.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';

let service: TestService;
let browser: Browser;
let admin: Session;
let c: CommitteeFixture;
let page: Page;
let meetingId: string;
let recommendationId: string;
let evaluationId: string;
let codes: string[] = [];

/** Pasted as a table (tab), with a full-width comma, and bare; in an order the stroke sort changes. */
const PASTED = ['李干杰\t县发改委主任', '万立骏，某镇党委书记', '', '王小洪', '于伟国'].join('\n');
const STROKE_ORDER = ['于伟国', '万立骏', '王小洪', '李干杰'];
const CADRES = ['陈静', '王芳', '李强'];

const anon = () => new Api(service.url);
const card = (voteId: string) => page.locator(`.vote-admin[data-vote-id="${voteId}"]`);
const definitionOf = async (voteId: string): Promise<AnyVoteDefinition> => (await c.secretary.api.get(`/v1/votes/${voteId}`)).body.definition;

beforeAll(async () => {
  service = await startTestService();
  browser = await launchChromium();
  admin = await adminSession(service);
  // Two members: the meeting's inspectors (监票人). The participants are nobody's accounts.
  c = await createCommittee(admin, '凭条会议委员会', ['监票甲', '监票乙']);
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

/** A 民主测评 of CADRES run wholly over the API in a meeting of its own (a 三元测评 source). */
async function evaluationOverApi(title: string, grade: string): Promise<string> {
  const s = c.secretary.api;
  const m = (await s.post(`/v1/committees/${c.id}/meetings`, { title, kind: 'slips', entitled: 2 })).body.id;
  const v = (await s.post(`/v1/meetings/${m}/votes`, { title, items: [{ shape: 'evaluation', title: '2026 年度民主测评', candidates: CADRES }] })).body;
  await s.post(`/v1/meetings/${m}/open`);
  const slips = (await s.post(`/v1/meetings/${m}/slips`, { count: 2 })).body.slips as { code: string }[];
  await s.put(`/v1/meetings/${m}/attendance`, { present: c.members.map((x) => x.personId) });
  expect((await s.post(`/v1/votes/${v.id}/open`)).status).toBe(200);
  const def = await definitionOf(v.id);
  const item = def.items[0] as EvaluationItem;
  for (const slip of slips) {
    const credential = (await redeemSlip(anon(), slip.code)).body.credential;
    const token = await obtainSlipToken(anon().as(credential), def);
    const cells = Object.fromEntries(item.candidates.map((x) => [x.candidateId, grade]));
    expect((await castBallot(service.url, buildBallot(token, { [item.itemId]: cells }))).status).toBe(201);
  }
  const closed = await closeAndPublish(c.secretary, c.members, v.id, { inspectors: c.members, unconfirmedReason: '凭条参会者无登记设备' });
  expect(closed.status).toBe(200);
  return v.id;
}

describe('the secretary sets up and runs a meeting of participants holding slips', () => {
  it('creates a meeting of participants with its 应到 beside the committee’s meetings', async () => {
    const code = (await admin.api.post(`/v1/people/${c.secretary.personId}/enrolment-codes`)).body.code;
    page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${service.url}/#/secretary?committee=${c.id}&code=${code}`);
    await page.click('form.enrol button[type=submit]');
    await page.locator('form.new-slips-meeting').waitFor({ timeout: 15_000 });
    // 应到 is required: the page says so before anything is sent.
    await page.fill('input[name=slips-meeting-title]', '全县领导干部会议');
    await page.click('button.create-slips-meeting');
    await page.locator('form.new-slips-meeting .notice.error').waitFor();
    await page.fill('input[name=slips-meeting-entitled]', '5');
    await page.click('button.create-slips-meeting');
    await page.locator('section.card.meeting .slips-kind').waitFor();
    meetingId = (await page.locator('section.card.meeting').getAttribute('data-meeting-id'))!;
    expect(await page.locator('section.card.meeting .slips-kind').textContent()).toBe('凭条参会 · 应到 5');
    const m = (await c.secretary.api.get(`/v1/meetings/${meetingId}`)).body;
    expect(m).toMatchObject({ title: '全县领导干部会议', kind: 'slips', entitled: 5, state: 'draft' });
    expect(await page.locator(`.meeting-link[data-kind="slips"]`).count()).toBe(1);
    // No members' attendance or quorum here: the slips are the attendance.
    expect(await page.locator('.attendance').count()).toBe(0);
    await page.locator('.slip-counts[data-printed="0"]').waitFor();
    await shot(page, 'slips-1-meeting');
  });

  it('sets up a 民主推荐 from a pasted list, previewed in stroke order; a refusal shows by its field', async () => {
    const form = page.locator('section.new-shaped-vote');
    await form.locator('input[name=shaped-title]').fill('2026 年副科级领导职务民主推荐');
    await form.locator('input[name=post]').fill('县直单位副科级领导职务'.repeat(50));
    await form.locator('input[name=maxMarks]').fill('2');
    await form.locator('select[name=threshold]').selectOption('third');
    await form.locator('textarea[name=eligible]').fill(PASTED);
    const preview = form.locator('.eligible-preview .sorted-names li');
    await expect.poll(() => preview.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-candidate')))).toEqual(STROKE_ORDER);
    // The preview is the project's collation, as the service will sort the list.
    expect(sortNames(STROKE_ORDER.slice().reverse(), 'surname').names).toEqual(STROKE_ORDER);
    expect(await preview.nth(1).textContent()).toBe('万立骏 某镇党委书记');
    await shot(page, 'slips-2-recommendation-form');
    // k above the number of names: the page's own check, by the field.
    await form.locator('input[name=maxMarks]').fill('5');
    await form.locator('button.save-shaped-vote').click();
    await form.locator('.field-error[data-field="maxMarks"] .notice.error').waitFor();
    await form.locator('input[name=maxMarks]').fill('2');
    // A post of 550 characters: the service refuses it (validation_failed, items.0.post), shown by the post.
    await form.locator('button.save-shaped-vote').click();
    await form.locator('.field-error[data-field="post"] .notice.error').waitFor();
    expect(await form.locator('.field-error[data-field="post"]').textContent()).toBe('填写的内容不符合要求，请检查后重试。');
    await shot(page, 'slips-3-field-error');
    await form.locator('input[name=post]').fill('县直单位副科级领导职务');
    await form.locator('button.save-shaped-vote').click();
    await page.locator('.vote-admin[data-state="draft"]').waitFor();
    recommendationId = (await page.locator('.vote-admin').first().getAttribute('data-vote-id'))!;
    expect(await card(recommendationId).locator('.shaped-names').getAttribute('data-names')).toBe(STROKE_ORDER.join(','));
    const def = await definitionOf(recommendationId);
    const item = def.items[0] as RecommendationItem;
    expect(item).toMatchObject({ shape: 'recommendation', post: '县直单位副科级领导职务', maxMarks: 2, threshold: { comparison: 'at_least', num: 1, den: 3 } });
    expect(item.candidates.map((x) => x.name)).toEqual(STROKE_ORDER);
    expect(item.candidates.find((x) => x.name === '李干杰')).toMatchObject({ currentPost: '县发改委主任' });
    expect(def.entitled).toBe(5);
  });

  it('sets up a 民主测评: the default grades, the cadres kept in the order given', async () => {
    const form = page.locator('section.new-shaped-vote');
    await form.locator('input[value=evaluation]').check();
    await form.locator('input[name=shaped-title]').fill('2026 年度科级领导干部民主测评');
    await form.locator('input[name=evaluation-title]').fill('2026 年度科级领导干部民主测评表');
    expect(await form.locator('textarea[name=grades]').inputValue()).toBe('优秀\n称职\n基本称职\n不称职');
    await form.locator('textarea[name=cadres]').fill(CADRES.join('\n'));
    const preview = form.locator('.cadre-preview .sorted-names li');
    await expect.poll(() => preview.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-candidate')))).toEqual(CADRES);
    await shot(page, 'slips-4-evaluation-form');
    await form.locator('button.save-shaped-vote').click();
    await expect.poll(() => page.locator('.vote-admin[data-state="draft"]').count()).toBe(2);
    evaluationId = (await page.locator('.vote-admin[data-state="draft"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-vote-id')))).find(
      (id) => id !== recommendationId,
    )!;
    const item = (await definitionOf(evaluationId)).items[0] as EvaluationItem;
    expect(item.shape).toBe('evaluation');
    expect(item.candidates.map((x) => x.name)).toEqual(CADRES);
    expect(item.grades.map((g) => g.name)).toEqual(['优秀', '称职', '基本称职', '不称职']);
  });

  it('prints a batch of three slips: three codes with their QR codes and links on the sheet', async () => {
    await page.click('button.open-meeting');
    await page.locator('section.card.meeting .badge.open').waitFor();
    await page.fill('input[name=slip-count]', '3');
    await page.click('button.print-batch');
    const slips = page.locator('.participation-sheet .pslip');
    await expect.poll(() => slips.count()).toBe(3);
    codes = await slips.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')!));
    expect(new Set(codes).size).toBe(3);
    for (const [i, code] of codes.entries()) {
      expect(code).toMatch(/^pjp_[A-Za-z0-9_-]{22}$/);
      const slip = slips.nth(i);
      expect(await slip.locator('.pslip-code').textContent()).toBe(code);
      expect(await slip.locator('.pslip-meeting').textContent()).toBe('全县领导干部会议');
      expect(await slip.locator('svg.qr').getAttribute('aria-label')).toBe(`${service.url}/#/slip/${code}`);
      expect(await slip.locator('.pslip-link').textContent()).toBe(`${service.url}/#/slip/${code}`);
    }
    await page.locator('.slip-counts[data-printed="3"][data-issued="3"][data-voided="0"]').waitFor();
    await shot(page, 'slips-5-sheet');
    // Printed, the sheet stands alone on the page.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.participation-sheet').isVisible()).toBe(true);
    expect(await page.locator('section.new-shaped-vote').isVisible()).toBe(false);
    expect(await page.locator('.meetings').isVisible()).toBe(false);
    await page.screenshot({ path: 'test-results/screenshots/slips-6-sheet-print.png', fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  it('voids one slip by its code: 实到 goes down, and the code is refused', async () => {
    await page.fill('textarea[name=void-codes]', `${service.url}/#/slip/${codes[2]}`);
    await page.click('button.void-codes');
    await page.locator('.slip-counts[data-printed="3"][data-issued="2"][data-voided="1"]').waitFor();
    expect(await page.locator('.slip-figure.fig-issued').getAttribute('data-value')).toBe('2');
    const refused = await redeemSlip(anon(), codes[2]!);
    expect([refused.status, refused.body.code]).toEqual([409, 'slip_voided']);
    expect((await c.secretary.api.get(`/v1/meetings/${meetingId}/slips`)).body).toMatchObject({ printed: 3, issued: 2, voided: 1 });
    // A second batch of one, then voided whole: the batch's row offers it while a slip is unused.
    await page.fill('input[name=slip-count]', '1');
    await page.click('button.print-batch');
    await page.locator('.participation-sheet[data-batch="2"] .pslip').waitFor();
    const spare = (await page.locator('.participation-sheet .pslip').getAttribute('data-code'))!;
    await page.locator('.slip-counts[data-printed="4"][data-issued="3"]').waitFor();
    await page.click('.batch-table tr[data-batch="2"] button.void-batch');
    await page.locator('.slip-counts[data-printed="4"][data-issued="2"][data-voided="2"]').waitFor();
    expect(await page.locator('.batch-table tr[data-batch="2"] button.void-batch').count()).toBe(0);
    expect((await redeemSlip(anon(), spare)).body.code).toBe('slip_voided');
  });

  it('designates the inspectors and opens both votes', async () => {
    for (const m of c.members) await page.locator(`.slips-inspectors input[value="${m.personId}"]`).check();
    await page.click('.slips-inspectors button.designate-inspectors');
    await page.locator('.slips-inspectors[data-inspectors="2"]').waitFor();
    for (const id of [recommendationId, evaluationId]) {
      await card(id).locator('button.open-vote').click();
      await page.locator(`.vote-admin[data-vote-id="${id}"][data-state="open"]`).waitFor();
    }
    // No roster of voters to wait for in a meeting of participants.
    expect(await page.locator('.not-fetched').count()).toBe(0);
    await shot(page, 'slips-7-open');
  });

  it('the participants spend their slips and cast; the secretary closes both votes in the browser', async () => {
    const rec = await definitionOf(recommendationId);
    const ev = await definitionOf(evaluationId);
    const r = rec.items[0] as RecommendationItem;
    const e = ev.items[0] as EvaluationItem;
    const id = (item: { candidates: { candidateId: string; name: string }[] }, name: string) => item.candidates.find((x) => x.name === name)!.candidateId;
    const marks = [['于伟国', '王小洪'], ['于伟国']];
    const grades = [
      { 陈静: 'excellent', 王芳: 'competent', 李强: 'competent' },
      { 陈静: 'excellent', 王芳: 'adequate', 李强: 'abstain' },
    ];
    for (const [i, code] of codes.slice(0, 2).entries()) {
      const redeemed = await redeemSlip(anon(), code);
      expect(redeemed.status).toBe(200);
      const phone = anon().as(redeemed.body.credential);
      const recCells = Object.fromEntries(r.candidates.map((x) => [x.candidateId, marks[i]!.includes(x.name) ? 'recommend' : 'blank']));
      expect((await castBallot(service.url, buildBallot(await obtainSlipToken(phone, rec), { [r.itemId]: recCells }))).status).toBe(201);
      const evCells = Object.fromEntries(CADRES.map((n) => [id(e, n), grades[i]![n as keyof (typeof grades)[number]]]));
      expect((await castBallot(service.url, buildBallot(await obtainSlipToken(phone, ev), { [e.itemId]: evCells }))).status).toBe(201);
    }
    for (const voteId of [recommendationId, evaluationId]) {
      await page.locator(`.turnout[data-vote-id="${voteId}"][data-issued="2"][data-returned="2"]`).waitFor({ timeout: 20_000 });
      await card(voteId).locator('button.close-vote').click();
      await page.locator(`.vote-admin[data-vote-id="${voteId}"][data-state="confirming"]`).waitFor({ timeout: 30_000 });
      // The participants' ballots have no device to confirm them: the reason is offered, filled in.
      await card(voteId).locator('button.seal').click();
      const reason = card(voteId).locator('textarea.unconfirmed-reason');
      await reason.waitFor();
      expect(await reason.inputValue()).toBe('凭条参会者无登记设备，选票不作设备确认。');
      await card(voteId).locator('button.seal-with-reason').click();
      await page.locator(`.vote-admin[data-vote-id="${voteId}"][data-state="countersigning"]`).waitFor({ timeout: 30_000 });
      // The inspectors sign on their phones (here their devices over the API); the last one publishes.
      const view = await closingView(c.secretary, voteId);
      for (const inspector of c.members) await countersign(inspector, voteId, view.sealHash!);
      await page.locator(`.vote-admin[data-vote-id="${voteId}"][data-state="closed"] .shaped-outcome`).waitFor({ timeout: 30_000 });
    }
    const ranked = card(recommendationId).locator('.shaped-outcome tr[data-candidate]');
    expect(await ranked.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-candidate'), tr.getAttribute('data-votes')]))).toEqual([
      ['于伟国', '2'],
      ['王小洪', '1'],
      ['万立骏', '0'],
      ['李干杰', '0'],
    ]);
    await shot(page, 'slips-8-closed');
  });

  it('publishes records that verify: 应到 5, 实到 the slips issued, 发出 and 收回 two', async () => {
    const jwks = (await anon().get('/.well-known/jwks.json')).body;
    for (const voteId of [recommendationId, evaluationId]) {
      const record = (await anon().get(`/v1/votes/${voteId}/record`)).body;
      const report = await verifyRecord(record, { jwks, randomBytes: rng });
      expect(report.ok, JSON.stringify(report.checks.filter((x) => !x.ok))).toBe(true);
      const { tally } = (await anon().get(`/v1/votes/${voteId}/tally`)).body;
      expect(tally).toMatchObject({ entitled: 5, present: 2, issued: 2, returned: 2 });
    }
    const rec = (await anon().get(`/v1/votes/${recommendationId}/tally`)).body.tally.shaped[0] as RecommendationTally;
    expect(rec).toMatchObject({ valid: 2, invalid: 0 });
    // 三分之一以上: 于伟国 2/2 and 王小洪 1/2 reach it; the others do not.
    expect(Object.fromEntries(rec.candidates.map((x) => [x.name, [x.votes, x.reached]]))).toEqual({
      于伟国: [2, true],
      万立骏: [0, false],
      王小洪: [1, true],
      李干杰: [0, false],
    });
    const ev = (await anon().get(`/v1/votes/${evaluationId}/tally`)).body.tally.shaped[0] as EvaluationTally;
    expect(ev.valid).toBe(2);
    expect(ev.candidates.find((x) => x.name === '陈静')!.excellent.percent).toBe('100.00');
  });

  it('publishes a 三元测评 composite from the page: three evaluations, 30/40/30, the sum checked first', async () => {
    const second = await evaluationOverApi('全县领导干部会议述职测评', 'competent');
    const third = await evaluationOverApi('分管战线领导综合测评', 'excellent');
    await page.click('button.composites-link');
    await page.locator('section.composites .composite-source').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('section.composites .composite-source').count()).toBe(3);
    await shot(page, 'slips-9-composite');
    await page.fill('input[name=composite-title]', '2026 年度科级领导干部三元测评');
    const row = (voteId: string) => page.locator(`.composite-source[data-vote-id="${voteId}"]`);
    for (const id of [evaluationId, second, third]) await row(id).locator('input[name=composite-source]').check();
    expect(await Promise.all([evaluationId, second, third].map((id) => row(id).locator('input[name=source-weight]').inputValue()))).toEqual(['30', '40', '30']);
    await page.locator('.weight-sum[data-sum="100"]').waitFor();
    // A weight changed so the sum is 90: refused on the page, nothing sent.
    await row(third).locator('input[name=source-weight]').fill('20');
    await page.locator('.weight-sum[data-sum="90"]').waitFor();
    await page.click('button.publish-composite');
    await page.locator('section.composites .notice.error').waitFor();
    expect(await page.locator('section.composites .notice.error').textContent()).toBe('权重合计为 90%，须为 100%。');
    expect((await c.secretary.api.get(`/v1/committees/${c.id}/composites`)).body.composites).toEqual([]);
    await row(third).locator('input[name=source-weight]').fill('30');
    await row(evaluationId).locator('input[name=source-label]').fill('单位干部群众测评');
    await page.click('button.publish-composite');
    await page.locator('section.composites .composite tr[data-candidate]').first().waitFor({ timeout: 20_000 });
    expect(
      await page.locator('section.composites .composite tr[data-candidate]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-candidate'))),
    ).toEqual(CADRES);
    expect(await page.locator('section.composites .notice.ok').textContent()).toBe('综合测评已发布，记入公开记录。');
    // Each evaluation is the source of one composite at most: the three are no longer offered.
    for (const id of [evaluationId, second, third]) {
      expect(await row(id).getAttribute('data-used')).toBe('true');
      expect(await row(id).locator('input[name=composite-source]').isDisabled()).toBe(true);
    }
    await shot(page, 'slips-10-composite-published');
    const published = (await c.secretary.api.get(`/v1/committees/${c.id}/composites`)).body.composites;
    expect(published).toHaveLength(1);
    // The published composite links to its big screen and its printed sheet, which show it verified.
    const id = published[0].compositeId as string;
    const shown = page.locator(`section.composites .composite[data-composite-id="${id}"]`);
    expect(await shown.locator('a.composite-screen').getAttribute('href')).toBe(`#/projector?committee=${c.id}&composite=${id}&full=1`);
    const sheetHref = await shown.locator('a.report-link').getAttribute('href');
    expect(sheetHref).toBe(`#/projector?committee=${c.id}&composite=${id}&report=1`);
    const sheet = await page.context().newPage();
    await sheet.goto(`${service.url}/${sheetHref}`);
    await sheet.locator('.report.sheet .composite-table tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await sheet.locator('.report.sheet h1').textContent()).toBe('三元测评综合结果汇总表');
    expect(await sheet.locator('.report.sheet .composite-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-candidate')))).toEqual(
      expect.arrayContaining(CADRES),
    );
    await sheet.close();
    expect(published[0].body.sources.map((s: { label: string; voteId: string; weight: number }) => [s.label, s.voteId, s.weight])).toEqual([
      ['单位干部群众测评', evaluationId, 30],
      ['全县领导干部会议述职测评', second, 40],
      ['分管战线领导综合测评', third, 30],
    ]);
  });
});
