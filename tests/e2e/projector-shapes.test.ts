// The projector and the printed sheets for the meetings' ballots (issue 15), in a real browser:
// a meeting of participants holding slips with a 民主推荐 (民主推荐票统计表), three 民主测评
// meetings (民主测评结果汇总表) and their 三元测评 composite, produced over the API as the phones
// would; the exact numbers in the cells — 应到 / 实到 (slips issued, not attendance) / 发出 / 收回 /
// 有效 / 无效, votes, 得票率, 名次 and the threshold marks; per-cadre grade counts and rates; each
// source's score, the weights and the composite — on the screen and on paper. The screen shows
// the close entry's tally, not the /tally answer; a long list turns its pages; a composite the
// chain's sources do not give is refused. axe runs at every screenshot.
// Screenshots: test-results/screenshots/shapes-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PHONE, shot } from './browser.ts';
import { expectFitsPhone } from './phone.ts';
import { Api } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import { castBallot, closeAndPublish } from '../helpers/voting.ts';
import { obtainSlipToken, redeemSlip } from '../../src/client/participant.ts';
import type { AnyVoteDefinition } from '../../src/protocol/ballot.ts';
import { hashEntry, type ChainEntry } from '../../src/protocol/chain.ts';
import { buildBallot } from '../../src/protocol/member-ballot.ts';
import type { Tally } from '../../src/protocol/tally.ts';

let service: TestService;
let browser: Browser;
let c: CommitteeFixture;

interface Run {
  def: AnyVoteDefinition;
  meetingTitle: string;
}

/**
 * A meeting of participants (应到 `entitled`) with one shaped vote: `printed` slips printed and
 * `voided` of them voided (实到 = printed − voided), `tokens` phones take a token (发出) and the
 * first `ballots.length` of them cast; each ballot names its cell per candidate in list order.
 */
async function runSlipsVote(o: {
  title: string;
  item: unknown;
  entitled: number;
  printed: number;
  voided: number;
  tokens: number;
  ballots: string[][];
  /** Leave the vote open (no close). */
  open?: boolean;
}): Promise<Run> {
  const sec = c.secretary.api;
  const meetingTitle = `${o.title}大会`;
  const meetingId = (await sec.post(`/v1/committees/${c.id}/meetings`, { title: meetingTitle, kind: 'slips', entitled: o.entitled })).body.id;
  const created = await sec.post(`/v1/meetings/${meetingId}/votes`, { title: o.title, items: [o.item] });
  expect(created.status).toBe(201);
  const def = created.body.definition as AnyVoteDefinition;
  expect((await sec.post(`/v1/meetings/${meetingId}/open`)).status).toBe(200);
  const codes: string[] = (await sec.post(`/v1/meetings/${meetingId}/slips`, { count: o.printed })).body.slips.map((s: { code: string }) => s.code);
  if (o.voided > 0) expect((await sec.post(`/v1/meetings/${meetingId}/slips/void`, { codes: codes.slice(-o.voided) })).status).toBe(200);
  expect((await sec.post(`/v1/votes/${def.voteId}/open`)).status).toBe(200);
  // The inspector's attendance: recorded, and not this meeting's 实到 (the slips are).
  expect((await sec.put(`/v1/meetings/${meetingId}/attendance`, { present: [c.members[0]!.personId] })).status).toBe(200);
  const item = def.items[0]!;
  for (let i = 0; i < o.tokens; i++) {
    const credential = (await redeemSlip(new Api(service.url), codes[i]!)).body.credential;
    const token = await obtainSlipToken(new Api(service.url, credential), def);
    const marks = o.ballots[i];
    if (!marks) continue;
    const cells = Object.fromEntries(item.candidates.map((x, k) => [x.candidateId, marks[k]!]));
    expect((await castBallot(service.url, buildBallot(token, { [item.itemId]: cells }))).status).toBe(201);
  }
  if (o.open) return { def, meetingTitle };
  const closed = await closeAndPublish(c.secretary, [c.members[0]!], def.voteId, {
    inspectors: [c.members[0]!],
    unconfirmedReason: '凭条参会者无登记设备，选票不作设备确认',
  });
  expect(closed.status).toBe(200);
  return { def, meetingTitle };
}

/** A recommendation ballot marking `picked` among the names in list order. */
const recommend = (order: string[], ...picked: string[]) => order.map((n) => (picked.includes(n) ? 'recommend' : 'blank'));

let recommendation: Run;
let longList: Run;
let openVote: Run;
const evaluations: Run[] = [];
let compositeId: string;
const SOURCES = ['单位干部群众测评', '全县领导干部会议述职测评', '分管战线领导综合测评'];
// The eligible list as entered; the service puts it in stroke order: 王芳 刘洋 李强 张伟.
const ELIGIBLE = ['王芳', '李强', '张伟', '刘洋'];
const STROKE = ['王芳', '刘洋', '李强', '张伟'];
const CADRES = ['王芳', '李强', '张伟'];

beforeAll(async () => {
  service = await startTestService();
  browser = await launchChromium();
  const admin = await adminSession(service);
  c = await createCommittee(admin, '县委组织部', ['监票人甲']);
  recommendation = await runSlipsVote({
    title: '2026 年副科级领导职务民主推荐',
    item: {
      shape: 'recommendation',
      post: '县直单位副科级领导职务',
      maxMarks: 2,
      threshold: { comparison: 'more_than', num: 1, den: 2 },
      candidates: ELIGIBLE,
    },
    entitled: 10,
    printed: 9,
    voided: 1,
    tokens: 7,
    ballots: [
      recommend(STROKE, '王芳', '李强'),
      recommend(STROKE, '王芳', '刘洋'),
      recommend(STROKE, '王芳', '李强'),
      recommend(STROKE, '王芳', '李强', '张伟'), // over-marked: 无效
      recommend(STROKE), // blank
      recommend(STROKE, '刘洋'),
    ],
  });
  const grades = [
    [
      ['excellent', 'competent', 'adequate'],
      ['excellent', 'excellent', 'inadequate'],
      ['competent', 'abstain', 'adequate'],
    ],
    [
      ['excellent', 'competent', 'competent'],
      ['competent', 'competent', 'inadequate'],
    ],
    [
      ['excellent', 'excellent', 'adequate'],
      ['excellent', 'competent', 'adequate'],
      ['competent', 'competent', 'competent'],
    ],
  ];
  for (const [i, ballots] of grades.entries()) {
    evaluations.push(
      await runSlipsVote({
        title: SOURCES[i]!,
        item: { shape: 'evaluation', title: `${SOURCES[i]}（2026 年度）`, candidates: CADRES },
        entitled: ballots.length + 2,
        printed: ballots.length + 1,
        voided: 0,
        tokens: ballots.length + 1,
        ballots,
      }),
    );
  }
  const composite = await c.secretary.api.post(`/v1/committees/${c.id}/composites`, {
    title: '2026 年度科级领导干部三元测评',
    sources: evaluations.map((e, i) => ({ label: SOURCES[i]!, voteId: e.def.voteId, weight: [30, 40, 30][i]! })),
  });
  expect(composite.status).toBe(201);
  compositeId = composite.body.compositeId;
  // 60 names, one ballot: a list longer than one screen.
  const many = [...'王李张刘陈杨赵黄周吴'].flatMap((surname) => [...'一二三四五六'].map((given) => `${surname}${given}明`));
  longList = await runSlipsVote({
    title: '非定位推荐（长名单）',
    item: { shape: 'recommendation', post: '正科级领导职务', maxMarks: 3, threshold: { comparison: 'at_least', num: 1, den: 3 }, candidates: many },
    entitled: 1,
    printed: 1,
    voided: 0,
    tokens: 1,
    ballots: [many.map((_, k) => (k < 3 ? 'recommend' : 'blank'))],
  });
  // Open, not closed: 实到 is the 4 slips issued (5 printed, 1 voided), not the inspector's attendance.
  openVote = await runSlipsVote({
    title: '正在进行的民主推荐',
    item: { shape: 'recommendation', post: '乡镇副科级领导职务', maxMarks: 1, threshold: { comparison: 'at_least', num: 1, den: 3 }, candidates: ELIGIBLE },
    entitled: 6,
    printed: 5,
    voided: 1,
    tokens: 3,
    ballots: [recommend(STROKE, '王芳'), recommend(STROKE, '李强')],
    open: true,
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'zh-CN', viewport })).newPage();
  await page.goto(`${service.url}/${path}`);
  return page;
}

/** The six figures at the head of the table. */
async function figures(page: Page, scope = ''): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const k of ['entitled', 'present', 'issued', 'returned', 'valid', 'invalid']) out[k] = await page.locator(`${scope} [data-figure="${k}"]`).textContent();
  return out;
}

/** Each row under `scope`, in the order shown: the name and the given columns' text. */
async function rows(page: Page, scope: string, cols: string[]): Promise<string[][]> {
  return page
    .locator(`${scope} tbody tr`)
    .evaluateAll(
      (trs, cols) =>
        trs.map((tr) => [
          tr.getAttribute('data-candidate') ?? '',
          ...cols.map((c) => tr.querySelector(`[data-col="${c}"], [data-grade="${c}"], [data-source="${c}"]`)?.textContent ?? ''),
        ]),
      cols,
    );
}

const RECOMMENDATION_FIGURES = { entitled: '10', present: '8', issued: '7', returned: '6', valid: '5', invalid: '1' };
const RECOMMENDATION_ROWS = [
  ['王芳', '1', '3', '60.00%', '✓ 是'],
  ['刘洋', '2（并列）', '2', '40.00%', '否'],
  ['李强', '2（并列）', '2', '40.00%', '否'],
  ['张伟', '4', '0', '0.00%', '否'],
];
const EVALUATION_ROWS = [
  ['王芳', '2', '1', '0', '0', '0', '66.67%', '100.00%', '0.00%'],
  ['李强', '1', '1', '0', '0', '1', '33.33%', '66.67%', '0.00%'],
  ['张伟', '0', '0', '2', '1', '0', '0.00%', '0.00%', '33.33%'],
];
const EVALUATION_COLS = ['excellent', 'competent', 'adequate', 'inadequate', 'abstain', 'rate-excellent', 'rate-competentOrBetter', 'rate-inadequate'];
const COMPOSITE_COLS = ['0', '1', '2', 'score', 'rank', 'rate-excellent', 'rate-competentOrBetter', 'rate-inadequate'];
const COMPOSITE_ROWS = [
  ['王芳', '93.33', '90.00', '93.33', '92.00', '1', '60.00%', '100.00%', '0.00%'],
  ['李强', '60.00', '80.00', '86.67', '76.00', '2', '20.00%', '90.00%', '0.00%'],
  ['张伟', '40.00', '40.00', '66.67', '48.00', '3', '0.00%', '30.00%', '30.00%'],
];

describe('民主推荐票统计表', () => {
  it('shows the close entry’s counts on the big screen, by votes, when /tally says otherwise', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
    let altered = 0;
    await page.route('**/v1/votes/*/tally', async (route) => {
      const real = await route.fetch();
      const body = (await real.json()) as { tally: Tally };
      body.tally.present += 5;
      for (const s of body.tally.shaped ?? []) if (s.shape === 'recommendation') for (const x of s.candidates) x.votes += 5;
      altered++;
      await route.fulfill({ response: real, json: body });
    });
    await page.goto(`${service.url}/#/projector?committee=${c.id}&vote=${recommendation.def.voteId}`);
    await page.locator('.banner[data-state="result"]').waitFor({ timeout: 30_000 });
    await page.locator('.recommendation-table tbody tr').first().waitFor();
    expect(altered).toBeGreaterThan(0);
    expect(await figures(page)).toEqual(RECOMMENDATION_FIGURES);
    // The rank's cell here holds the figure and its (并列) mark; the other columns exactly.
    const shown = await rows(page, '.sheet-page:not([hidden]) .recommendation-table', ['rank', 'votes', 'percent', 'reached']);
    expect(shown).toEqual(RECOMMENDATION_ROWS);
    expect(await page.locator('.shaped-heading h2').textContent()).toBe('推荐职位（职级）：县直单位副科级领导职务');
    expect(await page.locator('.shaped-heading .threshold').textContent()).toBe('得票率须过半数（至少 3 票）');
    expect(await page.locator('.recommendation-table thead th').last().textContent()).toBe('是否过半数');
    expect(await page.locator('.blank-ballots').getAttribute('data-blank')).toBe('1');
    expect(await page.locator('.page-line').getAttribute('data-pages')).toBe('1');
    await shot(page, 'shapes-recommendation-screen');
    await page.context().close();
  });

  it('prints as one A4 table in the official style: title, meeting, numbers, table, 监票人 / 计票人, 填表日期', async () => {
    const page = await open(`#/projector?committee=${c.id}&vote=${recommendation.def.voteId}&report=1`);
    await page.locator('.report.sheet tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.report.sheet h1').textContent()).toBe('民主推荐票统计表');
    expect(await page.locator('.report.sheet .report-meeting').textContent()).toBe(recommendation.meetingTitle);
    expect(await figures(page, '.report.sheet')).toEqual(RECOMMENDATION_FIGURES);
    expect(await rows(page, '.report.sheet .recommendation-table', ['rank', 'votes', 'percent', 'reached'])).toEqual(RECOMMENDATION_ROWS);
    const signatures = await page.locator('.report.sheet .sheet-signatures').textContent();
    for (const w of ['监票人（签字）', '计票人（签字）', '填表日期']) expect(signatures).toContain(w);
    expect(await page.locator('.report.sheet [data-head-hash]').getAttribute('data-head-hash')).toMatch(/^[0-9a-f]{64}$/);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.no-print').first().isVisible()).toBe(false);
    // An A4 PDF of the sheet renders.
    expect((await page.pdf({ format: 'A4' })).subarray(0, 4).toString()).toBe('%PDF');
    await page.emulateMedia({ media: 'screen' });
    await shot(page, 'shapes-recommendation-sheet');
    await page.context().close();
  });

  it('shows the verified table on the observer page, with the printed sheet one link away', async () => {
    const voteId = recommendation.def.voteId;
    const page = await open(`#/observer?record=${encodeURIComponent(`/v1/votes/${voteId}/record`)}`);
    await page.locator('.report-view[data-ok="true"]').waitFor({ timeout: 60_000 });
    expect(await rows(page, '.observer-result .recommendation-table', ['rank', 'votes', 'percent', 'reached'])).toEqual(RECOMMENDATION_ROWS);
    expect(await page.locator('.observer-result a.report-link').getAttribute('href')).toBe(`#/projector?committee=${c.id}&vote=${voteId}&report=1`);
    await shot(page, 'shapes-observer');
    await page.context().close();
  });

  it('turns the pages of a list longer than the screen, every name once, in large type', async () => {
    const page = await open(`#/projector?committee=${c.id}&vote=${longList.def.voteId}&full=1`, { width: 1280, height: 720 });
    await page.locator('.recommendation-table tbody tr').first().waitFor({ timeout: 30_000 });
    const pages = Number(await page.locator('.page-line').getAttribute('data-pages'));
    expect(pages).toBeGreaterThan(1);
    expect(await page.locator('.sheet-page:not([hidden])').count()).toBe(1);
    const all = await rows(page, '.sheet-pages', ['votes', 'percent', 'reached']);
    expect(all.length).toBe(60);
    expect(new Set(all.map((r) => r[0])).size).toBe(60);
    // The first three names in stroke order have the one ballot (100.00%, at least one third), the 57 others none.
    const names = longList.def.items[0]!.candidates.map((x) => x.name);
    expect(all.slice(0, 3)).toEqual(names.slice(0, 3).map((n) => [n, '1', '100.00%', '✓ 是']));
    expect(all.slice(3)).toEqual(names.slice(3).map((n) => [n, '0', '0.00%', '否']));
    const visible = page.locator('.sheet-page:not([hidden]) tbody tr');
    const fontPx = await visible.first().evaluate((tr) => parseFloat(getComputedStyle(tr).fontSize));
    expect(fontPx).toBeGreaterThanOrEqual(24);
    // Everything shown fits the screen: the last visible row ends above its bottom.
    const bottom = await visible.last().evaluate((tr) => tr.getBoundingClientRect().bottom);
    expect(bottom).toBeLessThanOrEqual(720);
    const first = await page.locator('.sheet-page:not([hidden])').getAttribute('data-page');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.sheet-page:not([hidden])').getAttribute('data-page')).toBe(String(Number(first) + 1));
    expect(await page.locator('.page-line').textContent()).toContain(`第 2 / ${pages} 页`);
    await shot(page, 'shapes-long-list', false);
    // A larger screen (the browser's own full screen, say): the pages are cut again, fewer of them, every name still once.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(async () => Number(await page.locator('.page-line').getAttribute('data-pages')), { timeout: 10_000 }).toBeLessThan(pages);
    expect((await rows(page, '.sheet-pages', ['votes'])).length).toBe(60);
    expect(await page.locator('.sheet-page:not([hidden]) .sheet-table').count()).toBe(3);
    await page.context().close();
  });
});

describe('while the vote is open', () => {
  it('shows 应到, 实到 as the slips issued, 发出 and 收回 so far, and the ballot’s heading, with no result yet', async () => {
    const page = await open(`#/projector?committee=${c.id}&vote=${openVote.def.voteId}`);
    await page.locator('.banner[data-state="open"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => figures(page), { timeout: 10_000 }).toEqual({ entitled: '6', present: '4', issued: '3', returned: '2', valid: '—', invalid: '—' });
    expect(await page.locator('.shaped-heading .threshold').textContent()).toBe('得票率须三分之一以上');
    expect(await page.locator('.vote-key-fingerprint [data-words]').count()).toBe(1);
    expect(await page.locator('.sheet-table').count()).toBe(0);
    await shot(page, 'shapes-open');
    await page.context().close();
  });
});

describe('民主测评结果汇总表', () => {
  it('shows per cadre the counts per grade, 弃权 and the three rates, on the screen and on paper', async () => {
    const e = evaluations[0]!;
    const page = await open(`#/projector?committee=${c.id}&vote=${e.def.voteId}`);
    await page.locator('.evaluation-table tbody tr').first().waitFor({ timeout: 30_000 });
    // 应到 5, 实到 4 slips, 发出 4 tokens, 收回 3 ballots, all valid.
    expect(await figures(page)).toEqual({ entitled: '5', present: '4', issued: '4', returned: '3', valid: '3', invalid: '0' });
    expect(await rows(page, '.evaluation-table', EVALUATION_COLS)).toEqual(EVALUATION_ROWS);
    expect(await page.locator('.evaluation-table thead th').allTextContents()).toEqual([
      '姓名',
      '优秀',
      '称职',
      '基本称职',
      '不称职',
      '弃权',
      '优秀率',
      '称职以上率',
      '不称职率',
    ]);
    // The composite drawing on this vote is linked from its result.
    expect(await page.locator('a.composite-link').getAttribute('href')).toBe(`#/projector?committee=${c.id}&composite=${compositeId}`);
    await shot(page, 'shapes-evaluation-screen');
    await page.locator('a.report-link').click();
    await page.locator('.report.sheet tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.report.sheet h1').textContent()).toBe('民主测评结果汇总表');
    expect(await page.locator('.report.sheet .report-meeting').textContent()).toBe(e.meetingTitle);
    expect(await rows(page, '.report.sheet .evaluation-table', EVALUATION_COLS)).toEqual(EVALUATION_ROWS);
    expect(await page.locator('.report.sheet .sheet-signatures').textContent()).toContain('监票人（签字）');
    await shot(page, 'shapes-evaluation-sheet');
    await page.context().close();
  });
});

describe('on a phone (375 px)', () => {
  it('the result tables and their sheets fit the screen with text of 16 px or more', async () => {
    const paths = [
      `#/projector?committee=${c.id}&vote=${recommendation.def.voteId}`,
      `#/projector?committee=${c.id}&vote=${evaluations[0]!.def.voteId}`,
      `#/projector?committee=${c.id}&vote=${evaluations[0]!.def.voteId}&report=1`,
      `#/projector?committee=${c.id}&composite=${compositeId}`,
    ];
    const page = await (await browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    for (const [i, path] of paths.entries()) {
      await page.goto(`${service.url}/${path}`);
      await page.locator('.sheet-table tbody tr').first().waitFor({ timeout: 30_000 });
      await expectFitsPhone(page);
      await shot(page, `shapes-phone-${i + 1}`);
    }
    await page.context().close();
  });
});

describe('三元测评 composite', () => {
  it('shows each source’s score and weight beside the composite score, rank and rates', async () => {
    const page = await open(`#/projector?committee=${c.id}&composite=${compositeId}`);
    await page.locator('.composite-table tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await rows(page, '.composite-table', COMPOSITE_COLS)).toEqual(COMPOSITE_ROWS);
    expect(await page.locator('.composite-table thead th').allTextContents()).toEqual([
      '姓名',
      '单位干部群众测评（权重 30%）',
      '全县领导干部会议述职测评（权重 40%）',
      '分管战线领导综合测评（权重 30%）',
      '综合得分',
      '名次',
      '优秀率',
      '称职以上率',
      '不称职率',
    ]);
    await shot(page, 'shapes-composite-screen');
    await page.goto(`${service.url}/#/projector?committee=${c.id}&composite=${compositeId}&report=1`);
    await page.locator('.report.sheet .composite-table tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.report.sheet h1').textContent()).toBe('三元测评综合结果汇总表');
    expect(await rows(page, '.report.sheet .composite-table', COMPOSITE_COLS)).toEqual(COMPOSITE_ROWS);
    expect(await page.locator('.report.sheet .composite-sources li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-weight')))).toEqual([
      '30',
      '40',
      '30',
    ]);
    await shot(page, 'shapes-composite-sheet');
    await page.context().close();
  });

  it('refuses a composite the sources’ closes on the chain do not give, even in a self-consistent chain', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    // The tamperer's best case for a browser with no pin yet: one score changed, the chain re-linked and re-hashed.
    await page.route('**/v1/committees/*/chain*', async (route) => {
      const real = await route.fetch();
      const body = (await real.json()) as { entries: ChainEntry[]; head: { seq: number; hash: string } };
      const i = body.entries.findIndex((e) => e.kind === 'composite.published');
      if (i >= 0) {
        const entry = body.entries[i] as Extract<ChainEntry, { kind: 'composite.published' }>;
        entry.body.cadres[2]!.score = { num: '99', den: '1', value: '99.00' };
        for (let k = i; k < body.entries.length; k++) {
          if (k > 0) body.entries[k]!.prev = body.entries[k - 1]!.hash;
          body.entries[k]!.hash = hashEntry(body.entries[k]!);
        }
        body.head = { seq: body.entries.at(-1)!.seq, hash: body.entries.at(-1)!.hash };
      }
      await route.fulfill({ response: real, json: body, headers: { ...real.headers(), etag: `"${body.head.hash}"` } });
    });
    await page.goto(`${service.url}/#/projector?committee=${c.id}&composite=${compositeId}`);
    await page.locator('.notice.error').waitFor({ timeout: 30_000 });
    expect(await page.locator('.notice.error').textContent()).toBe('综合测评结果与各来源的计票结果重新计算的不一致。');
    expect(await page.locator('.composite-table').count()).toBe(0);
    await page.context().close();
  });
});
