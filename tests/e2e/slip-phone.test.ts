// The participant's phone at a meeting of participants holding slips (issue 15), in Chromium:
// the secretary (over the API) sets up a 民主推荐 (k = 2 of 30 names) and a 民主测评 (4 cadres)
// in one meeting and prints slips; phones open their slips' URLs, search the list, mark, review
// and cast — one marks three names, sees the warning and casts anyway (that ballot is 无效), one
// leaves a cadre ungraded (弃权) — a slip opened twice is refused as spent, and a cast whose
// answer is lost and whose page is reloaded is delivered exactly once. The votes are closed over
// the API; the published tallies are exactly what the phones marked, and the verifier passes.
// On a restricted committee, a phone whose redeem answer is lost sends the code again by itself
// (its kept nonce, no reload), votes, and finds its ballot counted without reading the committee's
// chain; its link to the record opens the observer page reading with the phone's credential (every
// check passes) and the printed sheet from there, while a browser without it is told there is none.
// Screenshots (each an axe checkpoint): test-results/screenshots/slip-phone-*.png.
import { describe, expect, it } from 'vitest';
import type { JSONWebKeySet } from 'jose';
import type { Locator, Page } from 'playwright-core';
import { PHONE, shot } from './browser.ts';
import { useBrowserWorld } from './phone.ts';
import { Api } from '../helpers/client.ts';
import { closeAndPublish, rng } from '../helpers/voting.ts';
import { createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import type { EvaluationTally, RecommendationTally } from '../../src/protocol/shapes.ts';
import { verifyRecord } from '../../src/protocol/verifier.ts';

const world = useBrowserWorld();

const ELIGIBLE = [
  '王芳', '李强', '张伟', '刘洋', '陈静', '杨帆', '赵敏', '黄磊', '周涛', '吴昊',
  '徐丽', '孙斌', '马超', '朱琳', '胡军', '郭峰', '何平', '高翔', '林涛', '罗刚',
  '郑洁', '梁勇', '谢婷', '宋健', '唐亮', '许敏', '韩冰', '冯雪', '邓超', '曹阳',
]; // prettier-ignore
const CADRES = ['陈静', '王芳', '李强', '周涛'];

let c: CommitteeFixture;
let meetingId: string;
let recId: string;
let evalId: string;
let codes: string[];
/** Phone A, kept open through the close. */
let phoneA: Page;

async function openSlip(code: string, setup?: (page: Page) => Promise<unknown>): Promise<Page> {
  const page = await (await world.browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
  await setup?.(page);
  await page.goto(`${world.service.url}/#/slip/${code}`);
  return page;
}

const recCard = (page: Page) => page.locator(`section.slip-vote[data-vote-id="${recId}"]`);
const evalCard = (page: Page) => page.locator(`section.slip-vote[data-vote-id="${evalId}"]`);

/** Finds each name with the search field and marks it. */
async function recommend(card: Locator, names: string[]): Promise<void> {
  for (const name of names) {
    await card.locator('input.name-search').fill(name.slice(0, 1));
    await card.locator(`li.name-row[data-candidate="${name}"] label`).click();
  }
  await card.locator('input.name-search').fill('');
}

async function grade(card: Locator, grades: Record<string, string>): Promise<void> {
  for (const [name, code] of Object.entries(grades)) await card.locator(`fieldset.cadre[data-candidate="${name}"] input[data-grade="${code}"]`).check();
}

/** The page fits a 375 px phone: no sideways scrolling, no visible text under 16 px. */
async function expectFitsPhone(page: Page): Promise<void> {
  const found = await page.evaluate(() => {
    const small: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || (n.textContent ?? '').trim() === '' || el.closest('[hidden]') || el.getClientRects().length === 0) continue;
      if (parseFloat(getComputedStyle(el).fontSize) < 16)
        small.push(`${el.tagName.toLowerCase()}.${el.className} “${(n.textContent ?? '').trim().slice(0, 20)}”`);
    }
    return { scrollWidth: document.scrollingElement!.scrollWidth, small: [...new Set(small)] };
  });
  expect(found.scrollWidth).toBeLessThanOrEqual(PHONE.viewport.width);
  expect(found.small).toEqual([]);
}

async function castFromReview(card: Locator): Promise<void> {
  await card.locator('button.cast').click();
  await card.locator('button.confirm-cast').click();
  await card.locator('.voted').waitFor({ timeout: 30_000 });
}

describe('the participant’s phone', () => {
  it('sets up a slips meeting with a 民主推荐 and a 民主测评 over the API and prints slips', async () => {
    c = await createCommittee(world.admin, '县委组织部', ['监票人甲', '监票人乙']);
    meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '全县领导干部会议', kind: 'slips', entitled: 8 })).body.id;
    const rec = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: '副科级领导职务民主推荐',
      items: [
        { shape: 'recommendation', post: '县直单位副科级领导职务', maxMarks: 2, threshold: { comparison: 'more_than', num: 1, den: 2 }, candidates: ELIGIBLE },
      ],
    });
    expect(rec.status).toBe(201);
    recId = rec.body.id;
    const ev = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, {
      title: '科级领导干部民主测评',
      items: [{ shape: 'evaluation', title: '2026 年度科级领导干部民主测评', candidates: CADRES }],
    });
    expect(ev.status).toBe(201);
    evalId = ev.body.id;
    expect((await c.secretary.api.post(`/v1/meetings/${meetingId}/open`)).status).toBe(200);
    const printed = await c.secretary.api.post(`/v1/meetings/${meetingId}/slips`, { count: 5 });
    expect(printed.status).toBe(201);
    codes = printed.body.slips.map((s: { code: string }) => s.code);
    await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
    for (const id of [recId, evalId]) expect((await c.secretary.api.post(`/v1/votes/${id}/open`)).status).toBe(200);
  });

  it('phone A spends its slip (the code leaves the address bar), finds names by search, and casts both ballots', async () => {
    const page = (phoneA = await openSlip(codes[0]!));
    const card = recCard(page);
    await card.locator('input.name-search').waitFor({ timeout: 30_000 });
    expect(page.url()).not.toContain(codes[0]!);
    expect(page.url().endsWith('#/slip')).toBe(true);
    expect(await card.locator('li.name-row').count()).toBe(30);
    await shot(page, 'slip-phone-1-recommendation');
    await expectFitsPhone(page);
    // Search as you type: one name for 王; a marked name stays shown whatever the search.
    await card.locator('input.name-search').fill('王');
    expect(await card.locator('li.name-row:visible').count()).toBe(1);
    await card.locator('li.name-row[data-candidate="王芳"] label').click();
    await card.locator('input.name-search').fill('李');
    expect(await card.locator('li.name-row:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-candidate')))).toEqual(
      expect.arrayContaining(['王芳', '李强']),
    );
    expect(await card.locator('li.name-row:visible').count()).toBe(2);
    await card.locator('li.name-row[data-candidate="李强"] label').click();
    await card.locator('input.name-search').fill('');
    expect(await card.locator('.mark-count').textContent()).toBe('已推荐 2 / 2');
    expect(await card.locator('.over-warning').isVisible()).toBe(false);
    // A reload keeps the marks (kept on the phone) and continues without the code.
    await page.reload();
    await recCard(page).locator('.mark-count[data-marked="2"]').waitFor({ timeout: 30_000 });
    await castFromReview(recCard(page));
    await shot(page, 'slip-phone-2-cast');

    const ev = evalCard(page);
    await grade(ev, { 陈静: 'excellent', 王芳: 'competent', 李强: 'excellent' });
    expect(await ev.locator('.grade-count').textContent()).toBe('已评 3 / 4');
    await shot(page, 'slip-phone-3-evaluation');
    await expectFitsPhone(page);
    await ev.locator('button.cast').click();
    expect(await ev.locator('.ungraded-warning').textContent()).toContain('周涛');
    await shot(page, 'slip-phone-4-evaluation-review');
    await ev.locator('button.confirm-cast').click();
    await ev.locator('.voted').waitFor({ timeout: 30_000 });
    await page.locator('.waiting').waitFor({ timeout: 30_000 });
  });

  it('phone B marks one name and grades every cadre', async () => {
    const page = await openSlip(codes[1]!);
    await recCard(page).locator('input.name-search').waitFor({ timeout: 30_000 });
    await recommend(recCard(page), ['王芳']);
    await castFromReview(recCard(page));
    await grade(evalCard(page), { 陈静: 'excellent', 王芳: 'excellent', 李强: 'adequate', 周涛: 'inadequate' });
    await castFromReview(evalCard(page));
    await page.context().close();
  });

  it('phone C marks three of k = 2, is warned that the ballot will be 无效, and casts anyway', async () => {
    const page = await openSlip(codes[2]!);
    const card = recCard(page);
    await card.locator('input.name-search').waitFor({ timeout: 30_000 });
    await recommend(card, ['王芳', '李强', '张伟']);
    expect(await card.locator('.mark-count').textContent()).toBe('已推荐 3 / 2');
    expect(await card.locator('.over-warning').isVisible()).toBe(true);
    await shot(page, 'slip-phone-5-over-marked');
    await card.locator('button.cast').click();
    expect(await card.locator('.void-warning').textContent()).toContain('无效');
    expect(await card.locator('button.confirm-cast').textContent()).toBe('仍然投出');
    await shot(page, 'slip-phone-6-over-marked-review');
    await card.locator('button.confirm-cast').click();
    await card.locator('.voted').waitFor({ timeout: 30_000 });
    await grade(evalCard(page), { 陈静: 'competent', 王芳: 'competent', 李强: 'excellent', 周涛: 'abstain' });
    await castFromReview(evalCard(page));
    await page.context().close();
  });

  it('a slip opened again on another phone is refused as spent', async () => {
    const page = await openSlip(codes[0]!);
    const refused = page.locator('.slip-refused');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.getAttribute('data-code')).toBe('slip_spent');
    expect(await refused.textContent()).toContain('已被使用');
    await shot(page, 'slip-phone-7-spent');
    await page.context().close();
  });

  it('a cast whose answer is lost, then the page reloaded, is delivered exactly once', async () => {
    let posts = 0;
    const page = await openSlip(codes[3]!, (p) =>
      p.route('**/v1/ballots', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        posts++;
        // The first reaches the service (the ballot is recorded), its answer is lost; later ones fail on the way.
        if (posts === 1) await route.fetch();
        await route.abort('connectionreset');
      }),
    );
    const card = recCard(page);
    await card.locator('input.name-search').waitFor({ timeout: 30_000 });
    await recommend(card, ['李强']);
    await card.locator('button.cast').click();
    await card.locator('button.confirm-cast').click();
    await card.locator('[data-outbox="retrying"]').waitFor({ timeout: 30_000 });
    expect((await c.secretary.api.get(`/v1/votes/${recId}`)).body.turnout.returned).toBe(4);
    await page.unrouteAll({ behavior: 'wait' });
    await page.reload();
    await recCard(page).locator('.voted').waitFor({ timeout: 30_000 });
    expect(posts).toBeGreaterThanOrEqual(1);
    expect((await c.secretary.api.get(`/v1/votes/${recId}`)).body.turnout.returned).toBe(4);
    await page.context().close();
  });

  it('closes both votes: the published tallies are exactly what the phones marked, and the verifier passes', async () => {
    const jwks = (await new Api(world.service.url).get('/.well-known/jwks.json')).body as JSONWebKeySet;
    for (const id of [recId, evalId]) {
      const closed = await closeAndPublish(c.secretary, c.members, id, { inspectors: c.members, unconfirmedReason: '凭条参会者无登记设备，不作确认' });
      expect(closed.status).toBe(200);
    }
    const rec = (await new Api(world.service.url).get(`/v1/votes/${recId}/tally`)).body.tally;
    expect(rec).toMatchObject({ entitled: 8, present: 5, issued: 4, returned: 4 });
    const r = rec.shaped[0] as RecommendationTally;
    expect({ valid: r.valid, invalid: r.invalid }).toEqual({ valid: 3, invalid: 1 });
    const votes = Object.fromEntries(r.candidates.map((x) => [x.name, x.votes]));
    expect(votes).toEqual({ ...Object.fromEntries(ELIGIBLE.map((n) => [n, 0])), 王芳: 2, 李强: 2 });

    const ev = (await new Api(world.service.url).get(`/v1/votes/${evalId}/tally`)).body.tally;
    // Phone D took its evaluation token too (every open vote's, at once) and cast only the recommendation.
    expect(ev).toMatchObject({ present: 5, issued: 4, returned: 3 });
    const e = ev.shaped[0] as EvaluationTally;
    expect(e.valid).toBe(3);
    const rows = Object.fromEntries(e.candidates.map((x) => [x.name, [...x.counts.map((k) => k.count), x.abstain]]));
    // 优秀, 称职, 基本称职, 不称职, 弃权
    expect(rows).toEqual({ 陈静: [2, 1, 0, 0, 0], 王芳: [1, 2, 0, 0, 0], 李强: [2, 0, 1, 0, 0], 周涛: [0, 0, 0, 1, 2] });

    for (const id of [recId, evalId]) {
      const record = (await new Api(world.service.url).get(`/v1/votes/${id}/record`)).body;
      const report = await verifyRecord(record, { jwks, randomBytes: rng });
      expect(report.checks.filter((x) => !x.ok)).toEqual([]);
      expect(report.ok).toBe(true);
    }
  });

  it('phone A finds its two ballots in the published records, and reads so in English too', async () => {
    for (const card of [recCard(phoneA), evalCard(phoneA)]) await card.locator('.counted').waitFor({ timeout: 30_000 });
    await shot(phoneA, 'slip-phone-8-counted');
    await phoneA.click('button.lang');
    await recCard(phoneA).locator('.counted').waitFor({ timeout: 30_000 });
    expect(await recCard(phoneA).locator('.counted').textContent()).toContain('Your ballot is counted');
    expect(await phoneA.locator('h1').textContent()).toBe('Participant’s ballot');
    await shot(phoneA, 'slip-phone-9-counted-en');
    await phoneA.context().close();
  });
});

describe('the participant’s phone on a restricted committee', () => {
  let r: CommitteeFixture;
  let voteId: string;
  let code: string;
  let meetingOfVote: string;
  /** The phone, kept open from the redeem through the record's check. */
  let page: Page;
  /** Every path the phone asked for. */
  const paths: string[] = [];

  it('redeems after a lost answer by itself (same nonce, no reload), votes, and finds its ballot counted — never reading the committee’s chain', async () => {
    r = await createCommittee(world.admin, '保密委员会', ['监票人丙', '监票人丁'], undefined, 'restricted');
    const m = (await r.secretary.api.post(`/v1/committees/${r.id}/meetings`, { title: '某局干部大会', kind: 'slips', entitled: 3 })).body.id as string;
    const v = await r.secretary.api.post(`/v1/meetings/${m}/votes`, {
      title: '副局长民主推荐',
      items: [{ shape: 'recommendation', post: '副局长', maxMarks: 1, candidates: ['王芳', '李强', '张伟'] }],
    });
    voteId = v.body.id;
    meetingOfVote = m;
    expect((await r.secretary.api.post(`/v1/meetings/${m}/open`)).status).toBe(200);
    code = (await r.secretary.api.post(`/v1/meetings/${m}/slips`, { count: 2 })).body.slips[0].code;
    await r.secretary.api.put(`/v1/meetings/${m}/attendance`, { present: r.members.map((x) => x.personId) });
    expect((await r.secretary.api.post(`/v1/votes/${voteId}/open`)).status).toBe(200);
    // The committee's record is closed to anyone not signed in as one of its people.
    expect((await new Api(world.service.url).get(`/v1/committees/${r.id}/chain`)).status).toBe(404);

    const redeems: { nonce: string }[] = [];
    let loads = 0;
    let releaseRetry = () => {};
    const retryHeld = new Promise<void>((resolve) => (releaseRetry = resolve));
    page = await openSlip(code, async (p) => {
      p.on('request', (req) => paths.push(new URL(req.url()).pathname));
      p.on('load', () => loads++);
      await p.route('**/v1/participant/redeem', async (route) => {
        redeems.push(route.request().postDataJSON() as { nonce: string });
        // The first reaches the service (the slip is spent), its answer is lost.
        if (redeems.length === 1) {
          await route.fetch();
          return route.abort('connectionreset');
        }
        // The page's own retry is held until the test has read what the page says meanwhile.
        if (redeems.length === 2) await retryHeld;
        return route.continue();
      });
    });
    // No error, no reload asked for: a plain line while the page sends the code again by itself.
    await page.locator('.slip-reconnecting').filter({ hasText: '正在重新连接' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.slip-refused').count()).toBe(0);
    await shot(page, 'slip-phone-10-redeem-lost');
    await expect.poll(() => redeems.length, { timeout: 30_000 }).toBe(2);
    releaseRetry();
    const card = page.locator(`section.slip-vote[data-vote-id="${voteId}"]`);
    await card.locator('input.name-search').waitFor({ timeout: 30_000 });
    expect(loads).toBe(1);
    expect(redeems).toHaveLength(2);
    expect(redeems[1]!.nonce).toBe(redeems[0]!.nonce);
    expect(await page.locator('.slip-reconnecting').count()).toBe(0);
    expect(page.url().endsWith('#/slip')).toBe(true);
    expect((await r.secretary.api.get(`/v1/meetings/${m}/slips`)).body.redeemed).toBe(1);
    await recommend(card, ['李强']);
    await castFromReview(card);

    const closed = await closeAndPublish(r.secretary, r.members, voteId, { inspectors: r.members, unconfirmedReason: '凭条参会者无登记设备，不作确认' });
    expect(closed.status).toBe(200);
    await card.locator('.counted').waitFor({ timeout: 30_000 });
    await shot(page, 'slip-phone-11-restricted-counted');
    expect(paths.filter((x) => x.includes('/chain'))).toEqual([]);
    expect(paths).toContain(`/v1/votes/${voteId}/record`);
  });

  it('its link “查看并验证计票记录” opens the record with the phone’s credential: every check passes, and the printed sheet opens too', async () => {
    const link = page.locator(`section.slip-vote[data-vote-id="${voteId}"] a.record-link`);
    expect(await link.textContent()).toBe('查看并验证计票记录 →');
    await link.click();
    const report = page.locator('.report-view');
    await report.waitFor({ timeout: 60_000 });
    // Nothing of the credential in the address: the meeting is named, the credential stays in the phone's storage.
    const credential = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open('piaojue');
          open.onsuccess = () => {
            const get = open.result.transaction('device').objectStore('device').get('participant');
            get.onsuccess = () => resolve((get.result as { credential: string }).credential);
            get.onerror = () => reject(new Error('no participant kept'));
          };
        }),
    );
    expect(credential.split('.')).toHaveLength(3);
    expect(page.url()).not.toContain(credential);
    expect(page.url()).toContain('#/observer?record=');
    expect(await report.getAttribute('data-ok')).toBe('true');
    expect(await page.locator('.checks li').count()).toBeGreaterThan(0);
    expect(await page.locator('.checks li[data-ok="false"]').count()).toBe(0);
    expect(await page.locator('.participant-read').isVisible()).toBe(true);
    await shot(page, 'slip-phone-12-restricted-verified');

    await page.locator('.report-view a.report-link').click();
    const sheet = page.locator('article.report.sheet.recommendation');
    await sheet.waitFor({ timeout: 30_000 });
    expect(await sheet.locator('[data-head-hash]').first().getAttribute('data-head-hash')).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.locator('.notice.error').count()).toBe(0);
    await shot(page, 'slip-phone-13-restricted-sheet');
    expect(paths.filter((x) => x.includes('/chain'))).toEqual([]);
    await page.context().close();
  });

  it('the same addresses in a browser with no credential are not there', async () => {
    const other = await (await world.browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    const meetingId = meetingOfVote;
    const record = encodeURIComponent(`/v1/votes/${voteId}/record`);
    await other.goto(`${world.service.url}/#/observer?record=${record}&meeting=${encodeURIComponent(meetingId)}`);
    await other.locator('.verify-out .notice.error').filter({ hasText: '不存在' }).waitFor({ timeout: 30_000 });
    expect(await other.locator('.report-view').count()).toBe(0);
    expect(await other.locator('.participant-read').isVisible()).toBe(false);
    await other.goto(`${world.service.url}/#/projector?committee=${r.id}&vote=${voteId}&report=1&meeting=${encodeURIComponent(meetingId)}`);
    await other.locator('.notice.error').filter({ hasText: '不存在' }).waitFor({ timeout: 30_000 });
    expect(await other.locator('article.report').count()).toBe(0);
    await other.context().close();
  });
});
