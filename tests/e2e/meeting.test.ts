// A whole meeting in real browsers: the administrator's setup on the admin page (enrolled with
// the first-start code; committee, eleven pasted names, the secretary, enrolment codes read off
// the page), then a secretary and eleven members (phone-sized) each in their own browser context, one 等额 and one 差额 item,
// the projector, the result sheet and the observer's verification. Screenshots of every page go
// to test-results/screenshots/.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, PHONE, shot } from './browser.ts';
import { Api, type Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { enrolAndLogin } from '../helpers/client.ts';
import { NAMES } from '../helpers/world.ts';
import { glanceWords } from '../../src/web/glance.ts';
import { issueCodeOnPage } from './admin-page.ts';

type Mark = 'approve' | 'disapprove' | 'abstain';
const MEMBER_NAMES = NAMES.slice(0, 11);
const CONFIRM = { post: '县财政局局长', seats: 1, candidates: ['王小洪'] };
const DIFF = { post: '县委办公室副主任', seats: 2, candidates: ['李干杰', '万立骏', '于伟国'] };
const DIFF_STROKE_ORDER = ['于伟国', '万立骏', '李干杰'];

// One plan per member: candidate → mark. Member 8 approves three for two seats (无效 for that
// item, after a warning); member 9 reloads the page in the middle of marking.
const a: Mark = 'approve',
  d: Mark = 'disapprove',
  s: Mark = 'abstain';
const PLANS: Record<string, Mark>[] = [
  ...Array.from({ length: 6 }, () => ({ 王小洪: a, 于伟国: a, 万立骏: a, 李干杰: d })),
  { 王小洪: a, 于伟国: a, 万立骏: d, 李干杰: a },
  { 王小洪: d, 于伟国: s, 万立骏: a, 李干杰: d },
  { 王小洪: s, 于伟国: a, 万立骏: a, 李干杰: a },
  { 王小洪: a, 于伟国: d, 万立骏: d, 李干杰: s },
  { 王小洪: a, 于伟国: a, 万立骏: s, 李干杰: d },
];
const OVER_MARKER = 8;
const RELOADER = 9;
/** This member marks the ballot from the keyboard. */
const KEYBOARD = 1;
/** This member's phone loses the network as it casts, and gets it back a little later. */
const OFFLINE = 3;

/** The tally the plans imply, counted here independently of the service's code. */
function expectedTally(entitled: number) {
  const required = Math.floor(entitled / 2) + 1;
  return [CONFIRM, DIFF].map((item) => {
    const over = (p: Record<string, Mark>) => item.candidates.filter((c) => p[c] === 'approve').length > item.seats;
    const valid = PLANS.filter((p) => !over(p));
    const rows = item.candidates.map((name) => ({
      name,
      approve: valid.filter((p) => p[name] === 'approve').length,
      disapprove: valid.filter((p) => p[name] === 'disapprove').length,
      abstain: valid.filter((p) => p[name] === 'abstain').length,
    }));
    const ranked = rows.filter((r) => r.approve >= required).sort((x, y) => y.approve - x.approve);
    const elected = new Set(ranked.slice(0, item.seats).map((r) => r.name));
    return {
      post: item.post,
      valid: valid.length,
      invalid: PLANS.length - valid.length,
      rows: rows.map((r) => ({ ...r, outcome: elected.has(r.name) ? 'elected' : 'not_elected' })),
    };
  });
}

let service: TestService;
let admin: Session;
let browser: Browser;
let committeeId: string;
let secretaryCode: string;
const memberCodes: string[] = [];
const contexts: BrowserContext[] = [];
let secretary: Page;
let adminPage: Page;
const members: Page[] = [];
let voteId: string;
const ballotPosts: { member: number; headers: Record<string, string>; bodyBytes: number }[] = [];
/** Every request each member's page made, as the network saw it: which connection carried it. */
const wire: { member: number; method: string; path: string; authorized: boolean; connectionId: string | undefined }[] = [];

/** What fetch() was asked for on a page (recorded by an init script): the credentials mode per call. */
interface FetchCall {
  method: string;
  path: string;
  credentials: string | undefined;
  authorized: boolean;
}
const fetchCalls = (page: Page) => page.evaluate(() => (window as unknown as { __fetchCalls: FetchCall[] }).__fetchCalls ?? []);

/** How many marks of a vote's draft this phone has stored in IndexedDB (store.ts: db piaojue, store votes). */
function storedMarks(page: Page, id: string): Promise<number> {
  return page.evaluate(
    (voteId) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('piaojue');
        open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'));
        open.onsuccess = () => {
          const get = open.result.transaction('votes', 'readonly').objectStore('votes').get(voteId);
          get.onerror = () => reject(get.error ?? new Error('get failed'));
          get.onsuccess = () => {
            const draft = (get.result?.draft ?? {}) as Record<string, Record<string, string>>;
            open.result.close();
            resolve(Object.values(draft).reduce((n, item) => n + Object.keys(item).length, 0));
          };
        };
      }),
    id,
  );
}

/** The fingerprint the pages show, computed here from the record: SHA-256 of the vote.created hash, its first six bytes. */
function fingerprintOf(createdHash: string): { hex: string; words: string[] } {
  const hex = createHash('sha256').update(Buffer.from(createdHash, 'hex')).digest('hex').slice(0, 12);
  return { hex, words: glanceWords(Buffer.from(hex, 'hex')) };
}

/** The fingerprint a page shows: the machine-readable bytes, the words as data and as the text people read. */
async function shownFingerprint(scope: Locator): Promise<{ hex: string | null; data: string | null; words: string[] }> {
  const el = scope.locator('.vote-key-fingerprint [data-fingerprint]');
  return {
    hex: await el.getAttribute('data-fingerprint'),
    data: await el.getAttribute('data-words'),
    words: await el.locator('.glance-word').allTextContents(),
  };
}

beforeAll(async () => {
  service = await startTestService();
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  await browser?.close();
  await service?.close();
});

async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ locale: 'zh-CN', ...options });
  contexts.push(ctx);
  return ctx;
}

async function enrolThroughPage(page: Page, path: string, code: string): Promise<void> {
  await page.goto(`${service.url}/#/${path}`);
  await page.fill('#enrol-code', code);
  await page.click('form.enrol button[type=submit]');
}

const vote = (page: Page, id = voteId) => page.locator(`section.vote[data-vote-id="${id}"]`);
const MARK_TEXT: Record<string, string> = { approve: '同意', disapprove: '不同意', abstain: '弃权' };
const markButton = (page: Page, name: string, mark: Mark, id = voteId) =>
  vote(page, id).locator(`li.candidate[data-candidate="${name}"] button[data-mark="${mark}"]`);
/**
 * The computed font size (px) and colour of every rendered element matching `selector`: on the
 * member's phone, text is 18 px or more and dark (each RGB channel at most 0x60).
 */
async function phoneText(page: Page, selector: string): Promise<{ text: string; px: number; rgb: number[] }[]> {
  return page.locator(selector).evaluateAll((els) =>
    els
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => {
        const style = getComputedStyle(e);
        return { text: (e.textContent ?? '').slice(0, 30), px: parseFloat(style.fontSize), rgb: (style.color.match(/\d+/g) ?? []).slice(0, 3).map(Number) };
      }),
  );
}
async function expectLargeDarkText(page: Page, selector: string): Promise<void> {
  const found = await phoneText(page, selector);
  expect(found.length, selector).toBeGreaterThan(0);
  for (const t of found) {
    expect(t.px, `${selector} ${t.text}`).toBeGreaterThanOrEqual(18);
    expect(Math.max(...t.rgb), `${selector} ${t.text}`).toBeLessThanOrEqual(0x60);
  }
}
/** The meeting's inspectors (监票人), as members' indexes: designated on the secretary's page (not member 1, whose phone is later shown a rewritten record). */
const inspectors = [0, 2];
const progress = (id = voteId) => secretary.locator(`.close-progress[data-vote-id="${id}"]`);

/**
 * The close after 结束投票并计票, as the room does it: every phone that cast confirms by itself
 * (the secretary's count reaches `confirmations`), the secretary sends it to the inspectors, each
 * inspector's phone verifies it, and each signs; the last signature publishes.
 */
async function sealAndCountersign(id: string, confirmations: number): Promise<void> {
  await expect.poll(() => progress(id).getAttribute('data-confirmations'), { timeout: 30_000 }).toBe(String(confirmations));
  await secretary.click(`.vote-admin[data-vote-id="${id}"] button.seal`);
  await secretary.locator(`.vote-admin[data-vote-id="${id}"][data-state="countersigning"]`).waitFor({ timeout: 30_000 });
  for (const [k, i] of inspectors.entries()) {
    const panel = vote(members[i]!, id).locator('.inspector-panel');
    await panel.locator('.verify-ok').waitFor({ timeout: 60_000 });
    await panel.locator('button.countersign').click();
    // The last signature publishes, and the panel goes with the close.
    if (k < inspectors.length - 1) await panel.locator('.countersigned').waitFor({ timeout: 30_000 });
  }
  await secretary.locator(`.vote-admin[data-vote-id="${id}"][data-state="closed"]`).waitFor({ timeout: 30_000 });
}

describe('a meeting run entirely from the browser', () => {
  it('the administrator enrols with the first-start code and sets the committee up on the admin page', async () => {
    const page = (adminPage = await (await newContext({ viewport: { width: 1280, height: 900 } })).newPage());
    await enrolThroughPage(page, 'admin', service.adminCode);
    // No committee yet: the page opens on the form, with the usual rules filled in.
    await page.locator('form.new-committee').waitFor();
    expect(await page.inputValue('input[name=quorum-num]')).toBe('2');
    expect(await page.inputValue('input[name=quorum-den]')).toBe('3');
    expect(await page.inputValue('#min-ratio')).toBe('1.5');
    await shot(page, 'admin-desktop-1-new-committee');
    await page.fill('#committee-name', '某县委常委会');
    // Its record is read by an anonymous screen and observer below: a public committee.
    await page.check('input[name=visibility][value=public]');
    await page.click('button.create-committee');
    await page.locator('.committee-summary').waitFor();
    committeeId = (await page.locator('.committee-summary').getAttribute('data-committee-id'))!;

    // Eleven names pasted one per line, with stray spaces and blank lines.
    const pasted = ['', ...MEMBER_NAMES.map((n, i) => (i % 4 === 1 ? `  ${n} ` : n)), '   ', ''].join('\n');
    await page.fill('#member-names', pasted);
    await expect.poll(() => page.locator('.paste-count').textContent()).toBe('共 11 人');
    await page.click('button.add-members');
    await page.locator('.members-admin .notice.ok').waitFor();
    expect(await page.locator('.members-admin li.person .person-name').allTextContents()).toEqual(MEMBER_NAMES);
    expect(await page.locator('.committee-summary').textContent()).toContain('11 人');

    await page.fill('#secretary-name', '县委秘书');
    await page.click('button.appoint-secretary');
    await page.locator('.secretaries-admin li.person[data-role="secretary"]').waitFor();
    await shot(page, 'admin-desktop-2-committee');

    // One code per person, read off the page the way the administrator reads it out.
    const sec = page.locator('.secretaries-admin li.person').first();
    secretaryCode = (
      await issueCodeOnPage(page, sec, async () => {
        await shot(page, 'admin-desktop-3-code', false);
        expect(await page.locator('.slip-link code').textContent()).toBe(
          `${service.url}/#/secretary?code=${await page.locator('.slip-code').getAttribute('data-code')}`,
        );
        await page.emulateMedia({ media: 'print' });
        await shot(page, 'admin-desktop-4-slip-print');
        await page.emulateMedia({ media: 'screen' });
      })
    ).code;
    for (const name of MEMBER_NAMES) {
      const row = page.locator(`.members-admin li.person[data-name="${name}"]`);
      const { code, link } = await issueCodeOnPage(page, row);
      expect(link).toBe(`${service.url}/#/member?code=${code}`);
      memberCodes.push(code);
    }
    expect(new Set([secretaryCode, ...memberCodes]).size).toBe(12);
    // A spare device for the administrator, from “My devices”: this test's own API client.
    const self = page.locator('.my-devices li.person');
    admin = await enrolAndLogin(new Api(service.url), (await issueCodeOnPage(page, self)).code);
    expect((await admin.api.get('/v1/me')).body.isAdmin).toBe(true);
  });

  it('serves the client itself, and leaves the API untouched', async () => {
    const page = await fetch(`${service.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    const script = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    const css = /href="(\/assets\/app-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    expect((await fetch(service.url + script!)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(service.url + css!)).headers.get('content-type')).toMatch(/^text\/css/);
    const unknown = await fetch(`${service.url}/v1/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(`${service.url}/assets/nope.js`)).status).toBe(404);
  });

  it('the secretary enrols and creates the meeting', async () => {
    secretary = await (await newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await secretary.goto(`${service.url}/`);
    await secretary.locator('.device-state .notice').waitFor();
    await shot(secretary, 'home');
    await enrolThroughPage(secretary, 'secretary', secretaryCode);
    await secretary.getByRole('heading', { name: '某县委常委会' }).waitFor();
    await secretary.fill('input[name=meeting-title]', '第12次常委会');
    await secretary.click('form.new-meeting button[type=submit]');
    await secretary.locator('section.meeting').waitFor();
  });

  it('eleven members enrol their phones with their codes and sign in', async () => {
    await Promise.all(
      memberCodes.map(async (code, i) => {
        const ctx = await newContext(PHONE);
        // A cookie for the service's origin: the cast request must still carry none.
        await ctx.addCookies([{ name: 'probe', value: `member-${i}`, url: service.url }]);
        // Records the credentials mode of every fetch the page makes (to tell the pools apart).
        await ctx.addInitScript(() => {
          // Kept in sessionStorage: a reload (the reloading member) must not lose the log.
          const calls = JSON.parse(sessionStorage.getItem('fetch-calls') ?? '[]') as unknown[];
          (window as unknown as { __fetchCalls: unknown[] }).__fetchCalls = calls;
          const original = window.fetch.bind(window);
          window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
            const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, location.href);
            const headers = new Headers(init?.headers);
            calls.push({ method: init?.method ?? 'GET', path: url.pathname, credentials: init?.credentials, authorized: headers.has('authorization') });
            sessionStorage.setItem('fetch-calls', JSON.stringify(calls));
            return original(input, init);
          };
        });
        const page = await ctx.newPage();
        // The connection each request went out on, from the browser's own network log.
        const cdp = await ctx.newCDPSession(page);
        const sent = new Map<string, { method: string; path: string; authorized: boolean }>();
        cdp.on('Network.requestWillBeSent', (ev) => {
          const names = Object.keys(ev.request.headers).map((k) => k.toLowerCase());
          sent.set(ev.requestId, { method: ev.request.method, path: new URL(ev.request.url).pathname, authorized: names.includes('authorization') });
        });
        cdp.on('Network.responseReceived', (ev) => {
          const r = sent.get(ev.requestId);
          if (r?.path.startsWith('/v1/'))
            wire.push({ member: i, ...r, connectionId: ev.response.connectionId === undefined ? undefined : String(ev.response.connectionId) });
        });
        await cdp.send('Network.enable');
        page.on('request', (req) => {
          if (req.method() === 'POST' && new URL(req.url()).pathname === '/v1/ballots') {
            const bodyBytes = req.postDataBuffer()?.length ?? -1;
            void req.allHeaders().then((headers) => ballotPosts.push({ member: i, headers, bodyBytes }));
          }
        });
        members[i] = page;
        await page.goto(`${service.url}/#/member`);
        if (i === 0) await shot(page, 'member-1-enrol');
        await page.fill('#enrol-code', code);
        await page.click('form.enrol button[type=submit]');
        await expect.poll(() => page.locator('.me-name').textContent()).toBe(MEMBER_NAMES[i]);
        await page.locator('.signin-state[data-present="false"]').waitFor();
      }),
    );
    // The device's label is neutral: never the User-Agent every request (the cast included) carries.
    const roster = (await admin.api.get(`/v1/committees/${committeeId}/members`)).body.members as { memberId: string; name: string }[];
    const ua = await members[0]!.evaluate(() => navigator.userAgent);
    for (const m of roster.filter((r) => MEMBER_NAMES.includes(r.name))) {
      const devices = (await admin.api.get(`/v1/people/${m.memberId}/devices`)).body.devices as { label: string | null }[];
      expect(devices).toHaveLength(1);
      expect(devices[0]!.label).toMatch(/^网页设备 \d{4}-\d{2}-\d{2}$/);
      expect(ua).not.toContain(devices[0]!.label);
    }
    await shot(members[0]!, 'member-2-signed-in-not-present');
    // The administrator's page now shows every member with an enrolled device.
    await adminPage.click('.members-admin button.refresh');
    await expect.poll(() => adminPage.locator('.members-admin li.person .badge[data-devices="1"]').count()).toBe(11);
    await adminPage.locator(`.members-admin li.person[data-name="${MEMBER_NAMES[0]}"] button.show-devices`).click();
    await adminPage.locator('.members-admin li.device[data-revoked="false"]').waitFor();
    // Its own two devices: this browser and the spare one this test plays.
    await expect.poll(() => adminPage.locator('.my-devices .badge[data-devices]').textContent()).toBe('已登记 2 台设备');
    await adminPage.evaluate(() => window.scrollTo(0, 0));
    await shot(adminPage, 'admin-desktop-5-enrolled', false);
  });

  // After the phones: a device enrolled after a vote was created gets no token for that vote
  // (the record would show it), so votes are created once the members' devices are enrolled.
  it('the secretary creates a vote with names shown in stroke order', async () => {
    await secretary.fill('input[name=vote-title]', '干部任免表决');
    const items = secretary.locator('fieldset.new-item');
    await items.nth(0).locator('input[name=post]').fill(CONFIRM.post);
    // With the candidate's current post, so the phones' ballot shows 现任职务 / 拟任职务 too.
    await items.nth(0).locator('input[name=with-posts]').check();
    await items.nth(0).locator('textarea[name=candidates]').fill(`${CONFIRM.candidates[0]} 县财政局副局长`);
    await secretary.click('button.add-item');
    await items.nth(1).locator('input[name=post]').fill(DIFF.post);
    await items.nth(1).locator('input[name=seats]').fill(String(DIFF.seats));
    await items.nth(1).locator('textarea[name=candidates]').fill(DIFF.candidates.join('、'));
    await expect.poll(() => items.nth(1).locator('.sorted-names li').allTextContents()).toEqual(DIFF_STROKE_ORDER);
    await shot(secretary, 'secretary-1-new-vote');
    await secretary.click('button.save-vote');
    await secretary.locator('.vote-admin[data-state="draft"]').waitFor();
    voteId = (await secretary.locator('.vote-admin').first().getAttribute('data-vote-id'))!;
    expect(voteId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the secretary records attendance with a live quorum indicator; every present phone fetches its token', async () => {
    expect(await secretary.locator('button.open-meeting').textContent()).toBe('宣布开会');
    await secretary.click('button.open-meeting');
    await secretary.locator('.badge.open').first().waitFor();
    expect(await secretary.locator('button.close-meeting').textContent()).toBe('宣布散会');
    const boxes = secretary.locator('.attendance-list input[type=checkbox]');
    expect(await boxes.count()).toBe(11);
    const quorum = secretary.locator('.quorum');
    for (let i = 0; i < 7; i++) await boxes.nth(i).check();
    // Ticks not yet recorded are marked as such: the indicator never claims an unsaved quorum.
    await expect.poll(() => quorum.getAttribute('data-unsaved')).toBe('true');
    expect(await quorum.getAttribute('class')).toBe('quorum unsaved');
    expect(await quorum.textContent()).toContain('未保存');
    expect(await quorum.textContent()).toContain('勾选人数未达法定人数');
    for (let i = 7; i < 11; i++) await boxes.nth(i).check();
    await expect.poll(() => quorum.textContent()).toContain('勾选人数已达法定人数');
    expect(await quorum.textContent()).not.toContain('✓');
    await shot(secretary, 'secretary-2a-attendance-unsaved');

    // The last member's phone is slow to fetch its token: its request is held until released.
    const late = members[10]!;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await late.route('**/v1/votes/*/tokens', async (route) => {
      await held;
      await route.continue();
    });
    await secretary.click('button.save-attendance');
    await secretary.locator('.attendance .notice.ok').waitFor();
    await expect.poll(() => quorum.getAttribute('class')).toBe('quorum met');
    expect(await quorum.textContent()).toContain('✓ 已达法定人数');
    await shot(secretary, 'secretary-2-attendance');

    // 签到即领票: the phones notice they are present and fetch a blind token, before the vote opens.
    await Promise.all(members.slice(0, 10).map((p) => vote(p).locator('.token-ready').waitFor({ timeout: 30_000 })));
    // The secretary sees, by name, the present member without a token — and nothing about casting.
    const waiting = secretary.locator(`.not-fetched[data-vote-id="${voteId}"]`);
    await expect.poll(() => waiting.getAttribute('data-count'), { timeout: 10_000 }).toBe('1');
    expect(await waiting.locator('.waiting-names').textContent()).toBe(MEMBER_NAMES[10]);
    await shot(secretary, 'secretary-2b-not-fetched');
    release();
    await vote(late).locator('.token-ready').waitFor({ timeout: 30_000 });
    await late.unroute('**/v1/votes/*/tokens');
    await expect.poll(() => secretary.locator(`.turnout[data-vote-id="${voteId}"]`).getAttribute('data-issued'), { timeout: 10_000 }).toBe('11');
    await expect.poll(() => waiting.getAttribute('data-count')).toBe('0');
    expect(await waiting.textContent()).toBe('实到委员均已领票。');
    await shot(members[0]!, 'member-3-token-ready');
  });

  it('the secretary designates two 监票人 among the members present', async () => {
    const section = secretary.locator('section.inspectors');
    expect(await section.locator('.current-inspectors').textContent()).toContain('尚未指定监票人');
    // Only the members recorded present are offered.
    expect(await section.locator('.inspector-list input[type=checkbox]').count()).toBe(11);
    for (const i of inspectors) await section.locator('.inspector-list label', { hasText: MEMBER_NAMES[i]! }).locator('input').check();
    expect(await section.locator('.inspector-count').textContent()).toBe('已勾选 2 人');
    await section.locator('button.designate-inspectors').click();
    await secretary.locator('section.inspectors[data-inspectors="2"]').waitFor();
    expect(await secretary.locator('section.inspectors .inspector-names').textContent()).toBe(inspectors.map((i) => MEMBER_NAMES[i]).join('、'));
    // Recorded on the chain, for everyone to see.
    const chain = await new Api(service.url).get(`/v1/committees/${committeeId}/chain`);
    const designated = chain.body.entries.filter((e: { kind: string }) => e.kind === 'inspectors.designated');
    expect(designated).toHaveLength(1);
    expect(designated[0].body.inspectors).toHaveLength(2);
    await shot(secretary, 'secretary-2c-inspectors');
  });

  it('the vote opens; each member marks the stroke-ordered ballot and casts it; a reload mid-vote loses nothing', async () => {
    await secretary.click('button.open-vote');
    await secretary.locator('.vote-admin[data-state="open"]').waitFor();

    const castOne = async (i: number) => {
      const page = members[i]!;
      const plan = PLANS[i]!;
      await vote(page).locator('button.cast').waitFor({ timeout: 30_000 });
      // The ballot lists the differential item's candidates in surname stroke order.
      expect(await vote(page).locator(`.item:nth-of-type(2) li.candidate .name`).allTextContents()).toEqual(DIFF_STROKE_ORDER);
      // The open ballot comes first on the phone, and the member page has no site navigation.
      expect(await page.locator('section.vote').first().getAttribute('data-state')).toBe('open');
      expect(await page.locator('header.topbar nav').isVisible()).toBe(false);
      if (i === 0) {
        // Before any mark: the mark labels, the hints and the candidates' posts are large and dark.
        expect(await vote(page).locator('li.candidate[data-candidate="王小洪"] .current-post').textContent()).toBe('现任：县财政局副局长');
        for (const selector of ['.member .mark', '.member .hint', '.member .vote-key-fingerprint .hint', '.member .candidate .posts'])
          await expectLargeDarkText(page, selector);
      }
      const names = Object.keys(plan);
      if (i === RELOADER) {
        // Half marked, then the phone reloads: the token and the marks are still on the device.
        for (const name of names.slice(0, 2)) await markButton(page, name, plan[name]!).click();
        // The marks are written to IndexedDB as they are made; reload once both are stored (a
        // reload in the very millisecond of a tap may abort that write, as any page unload would).
        await expect.poll(() => storedMarks(page, voteId)).toBe(2);
        await page.reload();
        await vote(page).locator('button.cast').waitFor({ timeout: 30_000 });
        for (const name of names.slice(0, 2)) await expect.poll(() => markButton(page, name, plan[name]!).getAttribute('aria-checked')).toBe('true');
        for (const name of names.slice(2)) await markButton(page, name, plan[name]!).click();
      } else if (i === KEYBOARD) {
        // Marked from the keyboard: Space or Enter chooses and the focus stays on the chosen mark;
        // the arrows move the choice within a candidate's group, focus following.
        const focusedMark = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.mark ?? null);
        for (const [k, name] of names.entries()) {
          await markButton(page, name, plan[name]!).focus();
          await page.keyboard.press(k % 2 === 0 ? 'Space' : 'Enter');
          await expect.poll(() => markButton(page, name, plan[name]!).getAttribute('aria-checked')).toBe('true');
          expect(await focusedMark()).toBe(plan[name]);
        }
        const last = names.at(-1)!;
        await page.keyboard.press('ArrowRight');
        await expect.poll(focusedMark).not.toBe(plan[last]);
        await page.keyboard.press('ArrowLeft');
        await expect.poll(() => markButton(page, last, plan[last]!).getAttribute('aria-checked')).toBe('true');
        expect(await focusedMark()).toBe(plan[last]);
      } else {
        for (const name of names) await markButton(page, name, plan[name]!).click();
      }
      if (i === 0) await shot(page, 'member-4-ballot');
      if (i === OFFLINE) {
        // No network at the moment of casting: the ballot stays in the phone's outbox, the page
        // says so, and the phone sends it by itself once the network is back.
        let failed = 0;
        page.on('requestfailed', () => failed++);
        await page.context().setOffline(true);
        await vote(page).locator('button.cast').click();
        await vote(page).locator('button.confirm-cast').click();
        // The outbox turns to 正在投出… at each round, so the words are matched with the state at once.
        const retrying = vote(page).locator('.outbox[data-outbox="retrying"]');
        await retrying.filter({ hasText: '未能投出' }).filter({ hasText: '恢复后自动重新投出' }).waitFor({ timeout: 30_000 });
        await shot(page, 'member-5b-outbox-offline');
        // It keeps trying while offline, round after round, without the member doing anything…
        const before = failed;
        await expect.poll(() => failed, { timeout: 30_000 }).toBeGreaterThan(before + 2);
        await retrying.waitFor({ timeout: 30_000 });
        expect(await vote(page).locator('.voted').count()).toBe(0);
        await page.context().setOffline(false);
        // …and the first attempt after the network is back gets the receipt.
        await vote(page).locator('.voted').waitFor({ timeout: 30_000 });
        return;
      }
      await vote(page).locator('button.cast').click();
      // 确认投票: the ballot is shown back for review; nothing is sent before the confirmation.
      await vote(page).locator('.review').waitFor();
      expect(ballotPosts.filter((b) => b.member === i)).toHaveLength(0);
      for (const name of names) expect(await vote(page).locator(`.review li[data-candidate="${name}"] .mark-text`).textContent()).toBe(MARK_TEXT[plan[name]!]);
      if (i === OVER_MARKER) {
        // Three approvals for two seats: the review names the item that will be void.
        expect(await vote(page).locator('.review .void-items').textContent()).toContain(DIFF.post);
        await shot(page, 'member-5-over-marked-warning');
      } else {
        expect(await vote(page).locator('.review .void-items').count()).toBe(0);
        if (i === 0) {
          await expectLargeDarkText(page, '.member .review .posts');
          await shot(page, 'member-4b-review');
        }
      }
      await vote(page).locator('button.confirm-cast').click();
      await vote(page).locator('.voted').waitFor({ timeout: 30_000 });
      if (i === RELOADER) {
        // Reloaded after casting: the phone shows the vote as cast and offers no second ballot.
        await page.reload();
        await vote(page).locator('.voted').waitFor({ timeout: 30_000 });
        expect(await vote(page).locator('button.cast').count()).toBe(0);
      }
    };
    await Promise.all(members.map((_, i) => castOne(i)));
    await shot(members[0]!, 'member-6-voted');
    expect(await members[0]!.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expect.poll(() => secretary.locator(`.turnout[data-vote-id="${voteId}"]`).getAttribute('data-returned'), { timeout: 10_000 }).toBe('11');
    await shot(secretary, 'secretary-3-turnout');
  });

  it('every cast went out with no cookie and no Authorization header, once per member', async () => {
    // Every member's ballot went out; the phone that was offline tried more than once.
    await expect.poll(() => new Set(ballotPosts.map((b) => b.member)).size).toBe(11);
    expect(ballotPosts.filter((b) => b.member !== OFFLINE)).toHaveLength(10);
    for (const { headers } of ballotPosts) {
      const names = Object.keys(headers).map((k) => k.toLowerCase());
      expect(names).not.toContain('cookie');
      expect(names).not.toContain('authorization');
    }
    expect(new Set(ballotPosts.map((b) => b.member)).size).toBe(11);
    // Version 2: every cast body had one length, whatever its marks (the members marked differently).
    expect(new Set(ballotPosts.map((b) => b.bodyBytes)).size).toBe(1);
    expect(ballotPosts[0]!.bodyBytes).toBeGreaterThan(0);

    // And on the wire: no cast shared a connection with any request that carried a Bearer token.
    for (let i = 0; i < members.length; i++) {
      const mine = wire.filter((w) => w.member === i);
      const castConns = mine.filter((w) => w.method === 'POST' && w.path === '/v1/ballots').map((w) => w.connectionId);
      const authedConns = new Set(mine.filter((w) => w.authorized).map((w) => w.connectionId));
      expect(castConns.length).toBeGreaterThanOrEqual(1);
      expect(authedConns.size).toBeGreaterThan(0);
      for (const id of castConns) {
        expect(id).toBeDefined();
        expect(authedConns.has(id)).toBe(false);
        // The cast's connection carried nothing else: no public read rides it either.
        expect(mine.filter((w) => w.connectionId === id && !(w.method === 'POST' && w.path === '/v1/ballots'))).toEqual([]);
      }
    }
    // Signed-in calls and the anonymous cast use different credentials modes, hence different
    // connection pools; the record's reads go signed in (issue 12: a restricted committee's record
    // is read by its members only), public reads go on the signed-in pool, the cast alone on the other.
    for (const page of members) {
      const calls = await fetchCalls(page);
      const casts = calls.filter((c) => c.method === 'POST' && c.path === '/v1/ballots');
      expect(casts.length).toBeGreaterThanOrEqual(1);
      for (const c of casts) expect(c).toMatchObject({ credentials: 'omit', authorized: false });
      const authed = calls.filter((c) => c.authorized);
      expect(authed.length).toBeGreaterThan(0);
      for (const c of authed) expect(c.credentials).toBe('same-origin');
      for (const c of calls.filter((c) => c.path.startsWith('/v1/auth/'))) expect(c.credentials).toBe('same-origin');
      const chainReads = calls.filter((c) => /^\/v1\/committees\/[^/]+\/chain$/.test(c.path));
      expect(chainReads.length).toBeGreaterThan(0);
      for (const c of chainReads) expect(c).toMatchObject({ credentials: 'same-origin', authorized: true });
      expect(calls.filter((c) => c.credentials === 'omit' && !(c.method === 'POST' && c.path === '/v1/ballots'))).toEqual([]);
    }
    const status = await new Api(service.url).get(`/v1/votes/${voteId}/status`);
    expect(status.body.turnout).toEqual({ issued: 11, returned: 11 });
  });

  it('the projector shows the result the instant the vote closes, exactly as the ballots imply', async () => {
    const screen = await (await newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    const href = await secretary.locator(`.vote-admin[data-vote-id="${voteId}"] a.projector-link`).getAttribute('href');
    await screen.goto(`${service.url}/${href}`);
    await expect.poll(() => screen.locator('[data-figure="returned"]').first().textContent()).toBe('11');
    // The vote key fingerprint, the same on the projector and on every phone, as the record implies.
    const chain = await new Api(service.url).get(`/v1/committees/${committeeId}/chain`);
    const created = chain.body.entries.find(
      (e: { kind: string; body: { definition?: { voteId: string } } }) => e.kind === 'vote.created' && e.body.definition?.voteId === voteId,
    );
    const print = fingerprintOf(created.hash);
    const projected = await shownFingerprint(screen.locator('body'));
    expect(projected).toEqual({ hex: print.hex, data: print.words.join(' '), words: print.words });
    // Each phone shows what the projector shows, word for word, large enough to read at a glance.
    for (const page of members) expect(await shownFingerprint(vote(page))).toEqual(projected);
    const size = await vote(members[0]!)
      .locator('.vote-key-fingerprint .glance-word')
      .first()
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(18);
    await shot(screen, 'projector-1-voting', false);

    // The full-screen projector: no app bar, a large state banner, every candidate while voting.
    expect(href).toContain('&full=1');
    expect(await screen.locator('header.topbar').count()).toBe(0);
    expect(await screen.locator('.banner').getAttribute('data-state')).toBe('open');
    expect(await screen.locator('.banner').textContent()).toBe('投票中');
    expect(await screen.locator('section.result-item tbody tr').count()).toBe(4);

    const closedAt = Date.now();
    await secretary.click('button.close-vote');
    // The close is prepared, not published: the room sees the count being confirmed.
    await expect.poll(() => screen.locator('.banner').getAttribute('data-state'), { timeout: 30_000 }).toBe('confirming');
    expect(await screen.locator('td.outcome[data-outcome="elected"]').count()).toBe(0);
    // Every phone finds its own ballot in the prepared close and confirms it by itself; the
    // secretary watches the count of confirmations reach 收回.
    await Promise.all(members.map((p) => vote(p).locator('.confirmed-in-close').waitFor({ timeout: 30_000 })));
    await expect.poll(() => progress().getAttribute('data-confirmations'), { timeout: 30_000 }).toBe('11');
    expect(await progress().getAttribute('data-ballots')).toBe('11');
    expect(await progress().locator('.confirmations').textContent()).toBe('收回 11　已确认 11　全部选票均已确认');
    expect(await vote(members[0]!).locator('.confirmed-in-close').textContent()).toContain('已确认本人选票在列');
    await shot(secretary, 'secretary-3b-confirmations');
    await shot(members[0]!, 'member-6b-confirmed');
    // 提交监票人签字: the inspectors' phones show the close in human terms and verify it.
    await secretary.click(`.vote-admin[data-vote-id="${voteId}"] button.seal`);
    await secretary.locator(`.vote-admin[data-vote-id="${voteId}"][data-state="countersigning"]`).waitFor({ timeout: 30_000 });
    await expect.poll(() => progress().locator('.inspector-signatures li[data-signed="false"]').count(), { timeout: 30_000 }).toBe(2);
    for (const i of inspectors) {
      const panel = vote(members[i]!).locator('.inspector-panel');
      await panel.waitFor({ timeout: 30_000 });
      expect(await panel.locator('.close-figures').textContent()).toBe('应到 11 · 实到 11 · 发出 11 · 收回 11');
      expect(await panel.locator('.close-confirmations').textContent()).toBe('投票委员确认本人选票在列：11 张（收回 11 张）');
      expect(await panel.locator('.item-outcome').count()).toBe(2);
      // Verification in this browser must pass before the signature is offered.
      await panel.locator('.verify-ok').waitFor({ timeout: 60_000 });
      expect(await panel.locator('.verify-ok').getAttribute('data-ok')).toBe('true');
      expect(await panel.locator('.verify-ok').textContent()).toMatch(/^✓ 本机核验通过：\d+ 项检查全部通过/);
      expect(await panel.locator('button.countersign').isEnabled()).toBe(true);
    }
    // Members who are not inspectors see no panel.
    expect(await vote(members[1]!).locator('.inspector-panel').count()).toBe(0);
    await shot(members[inspectors[0]!]!, 'member-6c-inspector-verified');
    await vote(members[inspectors[0]!]!).locator('button.countersign').click();
    await vote(members[inspectors[0]!]!).locator('.inspector-panel .countersigned').waitFor({ timeout: 30_000 });
    await expect.poll(() => progress().locator('.inspector-signatures li[data-signed="true"]').count(), { timeout: 30_000 }).toBe(1);
    expect(await progress().locator('.inspector-signatures li[data-signed="true"]').textContent()).toContain(MEMBER_NAMES[inspectors[0]!]!);
    await shot(secretary, 'secretary-3c-countersigning');
    expect(await screen.locator('td.outcome[data-outcome="elected"]').count()).toBe(0);
    // The last inspector's signature publishes the result.
    await vote(members[inspectors[1]!]!).locator('button.countersign').click();
    await screen.locator('td.outcome[data-outcome="elected"]').first().waitFor({ timeout: 30_000 });
    // A figure for the note, not an assertion: this machine is shared and its speed varies.
    console.log(`[e2e] close → confirmations → seal → countersignatures → result on the projector: ${Date.now() - closedAt} ms`);

    const figure = (name: string) => screen.locator(`.figures [data-figure="${name}"]`).textContent();
    expect(await figure('entitled')).toBe('11');
    expect(await figure('present')).toBe('11');
    expect(await figure('issued')).toBe('11');
    expect(await figure('returned')).toBe('11');
    const sections = screen.locator('section.result-item');
    for (const [k, item] of expectedTally(11).entries()) {
      const section = sections.nth(k);
      expect(await section.locator('h2').textContent()).toBe(item.post);
      expect(await section.locator('[data-figure="valid"]').textContent()).toBe(String(item.valid));
      expect(await section.locator('[data-figure="invalid"]').textContent()).toBe(String(item.invalid));
      const shown = await section.locator('tbody tr').evaluateAll((rows) =>
        rows.map((r) => ({
          name: r.getAttribute('data-candidate'),
          approve: Number(r.querySelector('[data-mark="approve"]')?.textContent),
          disapprove: Number(r.querySelector('[data-mark="disapprove"]')?.textContent),
          abstain: Number(r.querySelector('[data-mark="abstain"]')?.textContent),
          outcome: r.querySelector('[data-outcome]')?.getAttribute('data-outcome'),
        })),
      );
      const byStroke = item.rows.slice().sort((x, y) => (item.post === DIFF.post ? DIFF_STROKE_ORDER.indexOf(x.name) - DIFF_STROKE_ORDER.indexOf(y.name) : 0));
      expect(shown).toEqual(byStroke);
    }
    // The secretary's card shows the result too, with the report a click away.
    const onCard = secretary.locator(`.vote-result[data-vote-id="${voteId}"]`);
    await onCard.waitFor({ timeout: 30_000 });
    expect(await onCard.locator('.item-outcome').first().textContent()).toMatch(/^县财政局局长：/);
    expect(await onCard.locator('a.report-link').getAttribute('href')).toBe(`${href}&report=1`);
    expect(await screen.locator('.banner').getAttribute('data-state')).toBe('result');
    expect(await screen.locator('.banner').textContent()).toBe('计票结果');
    // Each item's result in a sentence: 通过 for 等额, 当选 for 差额.
    const sentences = await screen.locator('.item-outcome').allTextContents();
    expect(sentences[0]).toMatch(/^县财政局局长：(通过|未通过)：/);
    expect(sentences[1]).toMatch(new RegExp(`^${DIFF.post}：(当选|无人当选)`));
    // The head the result belongs to is the close entry's, from the verified chain.
    const closedRecord = await new Api(service.url).get(`/v1/votes/${voteId}/record`);
    expect(await screen.locator('.result-head [data-head-hash]').getAttribute('data-head-hash')).toBe(closedRecord.body.head.hash);
    await shot(screen, 'projector-2-result', false);

    // The printable result sheet: the record's head hash and a QR code of the record's address.
    await screen.goto(`${service.url}/${href}&report=1`);
    await screen.locator('svg.qr').waitFor();
    const record = await new Api(service.url).get(`/v1/votes/${voteId}/record`);
    expect(await screen.locator('[data-head-hash]').getAttribute('data-head-hash')).toBe(record.body.head.hash);
    expect(await screen.locator('.record-url').textContent()).toBe(`${service.url}/v1/votes/${voteId}/record`);
    // The official sheet names the meeting and the time of the count, says each outcome in a
    // sentence, and has signature lines for the chair, two scrutineers and the teller.
    expect(await screen.locator('.report-meeting').textContent()).toBe('第12次常委会');
    expect(await screen.locator('.report-time').getAttribute('data-closed-at')).toMatch(/T\d\d:\d\d:00Z$/);
    expect(await screen.locator('.report .item-outcome').count()).toBe(2);
    expect(await screen.locator('.signatures > div').allTextContents()).toEqual([
      '主持人（签字）：',
      '监票人（签字）：',
      '监票人（签字）：',
      '计票人（签字）：',
    ]);
    // The record's account of the close: the members' confirmations, any decision, the inspectors who signed.
    const closedBody = record.body.entries.at(-1).body;
    expect(Number(await screen.locator('.close-proof [data-confirmations]').getAttribute('data-confirmations'))).toBe(closedBody.confirmations.length);
    expect(await screen.locator('.close-decision').count()).toBe(closedBody.decision ? 1 : 0);
    for (const i of inspectors) expect(await screen.locator('.close-inspectors').textContent()).toContain(MEMBER_NAMES[i]!);
    // About an A4 page's width, as printed.
    await screen.setViewportSize({ width: 794, height: 1123 });
    await screen.emulateMedia({ media: 'print' });
    // A usual vote fits on one A4 page (1123 CSS px at 96 dpi, less the printer's margins).
    console.log(
      `[e2e] report height as printed: ${await screen.evaluate(() => Math.round(document.querySelector('.report')!.getBoundingClientRect().height))} px`,
    );
    expect(await screen.evaluate(() => document.querySelector('.report')!.getBoundingClientRect().height)).toBeLessThanOrEqual(1123 - 2 * 38);
    await shot(screen, 'projector-3-report-print');
    await screen.emulateMedia({ media: 'screen' });
  });

  it('each member’s phone finds its ballot in the record ("my ballot is counted")', async () => {
    await Promise.all(members.map((p) => vote(p).locator('.counted').waitFor({ timeout: 30_000 })));
    // Every phone shows the head of the record it found its ballot in: the projector's.
    const closedHead = (await new Api(service.url).get(`/v1/votes/${voteId}/record`)).body.head.hash;
    for (const p of members) expect(await vote(p).locator('.result-head [data-head-hash]').getAttribute('data-head-hash')).toBe(closedHead);
    await shot(members[RELOADER]!, 'member-7-counted');
  });

  it('the observer page verifies the record in the browser, every check passing, then with the head pinned', async () => {
    const observer = await (await newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await observer.goto(`${service.url}/#/observer?record=${encodeURIComponent(`/v1/votes/${voteId}/record`)}`);
    await observer.locator('.report-view').waitFor({ timeout: 60_000 });
    expect(await observer.locator('.report-view').getAttribute('data-ok')).toBe('true');
    const first = await observer.locator('.checks li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-check'), li.getAttribute('data-ok')]));
    expect(first.length).toBeGreaterThanOrEqual(12);
    expect(first.filter(([, ok]) => ok !== 'true')).toEqual([]);
    await shot(observer, 'observer-1-verified');
    await observer.reload();
    await observer.locator('.report-view').waitFor({ timeout: 60_000 });
    const pinned = await observer.locator('.checks li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-check'), li.getAttribute('data-ok')]));
    expect(pinned).toContainEqual(['pinnedHead', 'true']);
    expect(pinned.filter(([, ok]) => ok !== 'true')).toEqual([]);
    // Each check's detail is in Chinese, and in English under the EN switch.
    const chainDetail = observer.locator('.checks li[data-check="chain"] .detail');
    expect(await chainDetail.textContent()).toMatch(/^\d+ 项从创世项起逐项链接至链头 [0-9a-f]{16}…$/);
    for (const text of await observer.locator('.checks li .detail').allTextContents()) expect(text).toMatch(/[\u4e00-\u9fff]/);
    await observer.click('button.lang');
    await observer.locator('.report-view').waitFor({ timeout: 60_000 });
    expect(await chainDetail.textContent()).toMatch(/^\d+ entries link from genesis to head [0-9a-f]{16}…$/);
  });

  it('a tie at the last seat: the secretary creates the run-off from the page', async () => {
    const [A, B, C] = ['何卫东', '张国清', '陈文清'];
    await secretary.fill('input[name=vote-title]', '副县长人选表决');
    const item = secretary.locator('fieldset.new-item').first();
    await item.locator('input[name=post]').fill('副县长');
    await item.locator('input[name=seats]').fill('2');
    await item.locator('textarea[name=candidates]').fill(`${A} ${B} ${C}`);
    await secretary.click('button.save-vote');
    await expect.poll(() => secretary.locator('.vote-admin').count()).toBe(2);
    const second = (await secretary.locator('.vote-admin').nth(1).getAttribute('data-vote-id'))!;
    // The phones fetch the new vote's token by themselves: the members are still recorded present.
    await Promise.all(members.map((p) => vote(p, second).locator('.token-ready').waitFor({ timeout: 30_000 })));
    await secretary.click(`.vote-admin[data-vote-id="${second}"] button.open-vote`);
    // A 10, B 6, C 6: B and C tie for the second seat.
    const plan = (i: number): Record<string, Mark> => (i < 5 ? { [A]: a, [B]: a, [C]: d } : i < 10 ? { [A]: a, [B]: d, [C]: a } : { [A]: d, [B]: a, [C]: a });
    await Promise.all(
      members.map(async (page, i) => {
        await vote(page, second).locator('button.cast').waitFor({ timeout: 30_000 });
        // The open vote is listed before the closed one.
        expect(await page.locator('section.vote').first().getAttribute('data-vote-id')).toBe(second);
        for (const [name, mark] of Object.entries(plan(i))) await markButton(page, name, mark, second).click();
        await vote(page, second).locator('button.cast').click();
        await vote(page, second).locator('button.confirm-cast').click();
        await vote(page, second).locator('.voted').waitFor({ timeout: 30_000 });
      }),
    );
    await expect.poll(() => secretary.locator(`.turnout[data-vote-id="${second}"]`).getAttribute('data-returned'), { timeout: 10_000 }).toBe('11');
    await secretary.click(`.vote-admin[data-vote-id="${second}"] button.close-vote`);
    await sealAndCountersign(second, 11);
    await secretary.locator(`.vote-admin[data-vote-id="${second}"] button.runoff`).click();
    await expect.poll(() => secretary.locator('.vote-admin').count()).toBe(3);
    await shot(secretary, 'secretary-4-runoff');
    const meetingId = await secretary.locator('section.meeting').getAttribute('data-meeting-id');
    const votes = (await admin.api.get(`/v1/meetings/${meetingId}/votes`)).body.votes;
    const runoff = votes[2];
    expect(runoff.runoffOf).toBe(second);
    expect(runoff.definition.items).toHaveLength(1);
    expect(runoff.definition.items[0].seats).toBe(1);
    expect(runoff.definition.items[0].candidates.map((c: { name: string }) => c.name).sort()).toEqual([B, C].sort());
  });

  it('switches to English', async () => {
    const page = members[0]!;
    // The language button's accessible name is its visible text (WCAG 2.5.3).
    const en = page.getByRole('button', { name: 'EN', exact: true });
    expect(await en.textContent()).toBe('EN');
    await en.click();
    await page.getByRole('button', { name: '中文', exact: true }).waitFor();
    await vote(page).locator('.counted').waitFor();
    expect(await vote(page).locator('.counted').textContent()).toContain('Your ballot is counted');
    // Nothing wider than the phone, in either language.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'member-8-english');
  });

  it('a phone whose pinned head the record no longer holds refuses to vote and says the record was rewritten', async () => {
    const page = members[1]!;
    // The run-off is still a draft: this phone has verified the chain and pinned its head.
    const head = (await new Api(service.url).get(`/v1/committees/${committeeId}/chain`)).body.head;
    await expect
      .poll(async () => JSON.parse((await page.evaluate((id) => localStorage.getItem(`piaojue.pinnedHead.${id}`), committeeId)) ?? 'null'), { timeout: 10_000 })
      .toEqual(head);
    // As if the service had shown this phone another history: the pinned entry differs.
    await page.evaluate(([id, seq]) => localStorage.setItem(`piaojue.pinnedHead.${id}`, JSON.stringify({ seq, hash: 'ab'.repeat(32) })), [
      committeeId,
      head.seq - 1,
    ] as const);
    await page.reload();
    await page.locator('.record-rewritten').waitFor({ timeout: 30_000 });
    expect(await page.locator('.record-rewritten').textContent()).toContain('记录被改写');
    expect(await page.locator('section.vote .refused').count()).toBeGreaterThan(0);
    expect(await page.locator('button.cast').count()).toBe(0);
    await shot(page, 'member-9-record-rewritten');
  });

  it('closing with ballots outstanding asks first, saying how many; 继续等待 leaves the vote open', async () => {
    const meetingId = await secretary.locator('section.meeting').getAttribute('data-meeting-id');
    const runoff = (await admin.api.get(`/v1/meetings/${meetingId}/votes`)).body.votes[2].id as string;
    await Promise.all(members.slice(2).map((p) => vote(p, runoff).locator('.token-ready').waitFor({ timeout: 30_000 })));
    const card = secretary.locator(`.vote-admin[data-vote-id="${runoff}"]`);
    await card.locator('button.open-vote').click();
    await secretary.locator(`.vote-admin[data-vote-id="${runoff}"][data-state="open"]`).waitFor();
    const { issued, returned } = (await new Api(service.url).get(`/v1/votes/${runoff}/status`)).body.turnout;
    expect(issued).toBeGreaterThanOrEqual(9);
    expect(returned).toBe(0);

    await card.locator('button.close-vote').click();
    const confirm = card.locator('.close-confirm');
    await confirm.waitFor();
    expect(await confirm.getAttribute('data-outstanding')).toBe(String(issued));
    expect(await confirm.textContent()).toContain(`还有 ${issued} 张选票未收回（发出 ${issued}，收回 0）`);
    await shot(secretary, 'secretary-5-close-confirm');
    await confirm.locator('button.cancel-close').click();
    expect(await card.locator('.close-confirm').count()).toBe(0);
    expect((await new Api(service.url).get(`/v1/votes/${runoff}/status`)).body.state).toBe('open');

    // One member casts, and their phone loses the network before the close: it cannot confirm.
    const caster = members[3]!;
    await vote(caster, runoff).locator('button.cast').waitFor({ timeout: 30_000 });
    for (const li of await vote(caster, runoff).locator('li.candidate').all()) await li.locator('button[data-mark="abstain"]').click();
    await vote(caster, runoff).locator('button.cast').click();
    await vote(caster, runoff).locator('button.confirm-cast').click();
    await vote(caster, runoff).locator('.voted').waitFor({ timeout: 30_000 });
    await caster.context().setOffline(true);
    await card.locator('button.close-vote').click();
    await card.locator('.close-confirm button.confirm-close').click();
    await secretary.locator(`.vote-admin[data-vote-id="${runoff}"][data-state="confirming"]`).waitFor({ timeout: 30_000 });
    await expect.poll(() => progress(runoff).getAttribute('data-ballots'), { timeout: 30_000 }).toBe('1');
    expect(await progress(runoff).getAttribute('data-confirmations')).toBe('0');
    // 提交监票人签字 with a ballot unconfirmed: refused, and the page says how many and asks why.
    await card.locator('button.seal').click();
    const unconfirmed = card.locator('.unconfirmed');
    await unconfirmed.waitFor();
    expect(await unconfirmed.getAttribute('data-unconfirmed')).toBe('1');
    expect(await unconfirmed.textContent()).toContain('还有 1 张选票未获投票人确认（收回 1，已确认 0）');
    await shot(secretary, 'secretary-6-unconfirmed');
    const reason = '该委员手机断网，已当场向监票人说明';
    await unconfirmed.locator('textarea[name=unconfirmed-reason]').fill(reason);
    await unconfirmed.locator('button.seal-with-reason').click();
    await secretary.locator(`.vote-admin[data-vote-id="${runoff}"][data-state="countersigning"]`).waitFor({ timeout: 30_000 });
    expect(await progress(runoff).locator('.decision').textContent()).toContain(reason);
    // The inspectors see the decision with the figures, and their phones verify it before signing
    // (member 0's page is in English since the switch above).
    for (const i of inspectors) {
      const panel = vote(members[i]!, runoff).locator('.inspector-panel');
      await panel.locator('.verify-ok').waitFor({ timeout: 60_000 });
      expect(await panel.locator('.close-decision').textContent()).toBe(
        i === 0 ? `Secretary’s decision: 1 ballot unconfirmed, sent on. Reason: ${reason}` : `秘书决定：1 张选票未获确认，照常提交。原因：${reason}`,
      );
      expect(await panel.locator('.close-figures').textContent()).toMatch(i === 0 ? /issued \d+ · returned 1$/ : /发出 \d+ · 收回 1$/);
    }
    await shot(members[inspectors[1]!]!, 'member-10-inspector-decision');
    for (const i of inspectors) await vote(members[i]!, runoff).locator('.inspector-panel button.countersign').click();
    await secretary.locator(`.vote-admin[data-vote-id="${runoff}"][data-state="closed"]`).waitFor({ timeout: 30_000 });
    expect((await new Api(service.url).get(`/v1/votes/${runoff}/status`)).body.state).toBe('closed');
    const closed = (await new Api(service.url).get(`/v1/votes/${runoff}/record`)).body.entries.at(-1);
    expect(closed.body.decision).toMatchObject({ unconfirmed: 1, reason });
    expect(closed.body.countersignatures).toHaveLength(2);
    // The printed result sheet shows the decision and its reason.
    const sheet = await secretary.context().newPage();
    await sheet.goto(`${service.url}/#/projector?committee=${committeeId}&vote=${runoff}&report=1`);
    await sheet.locator('.close-decision').waitFor({ timeout: 30_000 });
    expect(await sheet.locator('.close-decision').textContent()).toBe(`经秘书决定，1 张选票未获确认而计入，原因：${reason}`);
    await sheet.close();
    // Back online, the phone finds its ballot in the published record.
    await caster.context().setOffline(false);
    await vote(caster, runoff).locator('.counted').waitFor({ timeout: 30_000 });
  });
});
