// The projector and the printed 计票结果报告单 show the tally inside the verified chain's
// vote.closed entry, never the separate GET /v1/votes/{id}/tally answer: a service (or anything on
// the way) that answers /tally with other counts or another outcome does not change what the room
// sees. The page's /tally answers are altered here (page.route); the figures shown must still be
// the close entry's, compared with the record fetched directly. Then the secretary's meeting page
// lists every closed vote of the meeting (.meeting-results) with its result and its result sheet.
// Screenshots: test-results/screenshots/integrity-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import { launchChromium, shot } from './browser.ts';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, type CommitteeFixture } from '../helpers/world.ts';
import { approveOnly, cast, closeAndPublish, obtainToken } from '../helpers/voting.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';
import type { ChainEntry } from '../../src/protocol/chain.ts';
import type { Outcome, Tally } from '../../src/protocol/tally.ts';

let service: TestService;
let browser: Browser;
let admin: Session;
let c: CommitteeFixture;
let meetingId: string;
const defs: VoteDefinition[] = [];

const flip: Record<Outcome, Outcome> = { elected: 'not_elected', not_elected: 'elected', undecided: 'elected' };

/** Serves the page a /tally answer with other counts and the opposite outcomes; counts the answers altered. */
function lyingTally(altered: { n: number }): (route: Route) => Promise<void> {
  return async (route) => {
    const real = await route.fetch();
    const body = (await real.json()) as { tally: Tally };
    const t = body.tally;
    t.issued += 7;
    t.returned += 7;
    t.present += 7;
    for (const item of t.items) {
      item.valid += 7;
      for (const cand of item.candidates) {
        [cand.approve, cand.disapprove] = [cand.disapprove + 7, cand.approve];
        cand.outcome = flip[cand.outcome];
      }
    }
    altered.n++;
    await route.fulfill({ response: real, json: body });
  };
}

/** The tally of the vote's vote.closed entry, from the record fetched directly. */
async function closeEntryTally(voteId: string): Promise<Tally> {
  const record = (await admin.api.get(`/v1/votes/${voteId}/record`)).body as { entries: ChainEntry[] };
  const closed = record.entries.find((e) => e.kind === 'vote.closed' && e.body.voteId === voteId) as Extract<ChainEntry, { kind: 'vote.closed' }>;
  expect(closed).toBeDefined();
  return closed.body.tally;
}

/** The counts and outcome shown in each candidate row under `scope`, by name. */
async function shownRows(page: Page, scope: string, def: VoteDefinition) {
  const rows: Record<string, { approve: string | null; disapprove: string | null; outcome: string | null }> = {};
  for (const item of def.items)
    for (const cand of item.candidates) {
      const row = page.locator(`${scope} tr[data-candidate="${cand.name}"]`);
      rows[cand.name] = {
        approve: await row.locator('td[data-mark="approve"]').textContent(),
        disapprove: await row.locator('td[data-mark="disapprove"]').textContent(),
        outcome: await row.locator('td.outcome').getAttribute('data-outcome'),
      };
    }
  return rows;
}

function expectedRows(def: VoteDefinition, t: Tally) {
  const rows: Record<string, { approve: string; disapprove: string; outcome: string }> = {};
  for (const item of def.items)
    for (const cand of item.candidates) {
      const ct = t.items.find((x) => x.itemId === item.itemId)!.candidates.find((x) => x.candidateId === cand.candidateId)!;
      rows[cand.name] = { approve: String(ct.approve), disapprove: String(ct.disapprove), outcome: ct.outcome };
    }
  return rows;
}

beforeAll(async () => {
  service = await startTestService();
  browser = await launchChromium();
  admin = await adminSession(service);
  c = await createCommittee(admin, '大屏核验委员会', ['王毅', '李强', '赵乐际']);
  meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '第7次常委会' })).body.id;
  await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
  await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
  // Vote 1: 等额, 王一 approved by all. Vote 2: 差额 (1 seat, 2 candidates), 张三 approved by two, 李四 by one.
  const specs = [
    { title: '局长任职表决', items: [{ post: '县财政局局长', seats: 1, candidates: ['王一'] }], approve: [['王一'], ['王一'], ['王一']] },
    { title: '副局长推荐表决', items: [{ post: '县财政局副局长', seats: 1, candidates: ['张三', '李四'] }], approve: [['张三'], ['张三'], ['李四']] },
  ];
  for (const spec of specs) {
    const created = await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: spec.title, items: spec.items });
    expect(created.status).toBe(201);
    const def = created.body.definition as VoteDefinition;
    defs.push(def);
    const tokens = [];
    for (const m of c.members) tokens.push(await obtainToken(m, def));
    expect((await c.secretary.api.post(`/v1/votes/${def.voteId}/open`)).status).toBe(200);
    for (const [i, t] of tokens.entries()) expect((await cast(service.url, t, approveOnly(def, spec.approve[i]!))).status).toBe(201);
    const done = await closeAndPublish(c.secretary, c.members, def.voteId);
    expect(done.status).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

describe('the projector shows the close entry’s tally, not the /tally answer', () => {
  it('the screen shows the recorded counts and outcomes when /tally says otherwise', async () => {
    for (const def of defs) {
      const truth = await closeEntryTally(def.voteId);
      const altered = { n: 0 };
      const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
      await page.route('**/v1/votes/*/tally', lyingTally(altered));
      await page.goto(`${service.url}/#/projector?committee=${c.id}&vote=${def.voteId}`);
      await page.locator('.banner[data-state="result"]').waitFor({ timeout: 30_000 });
      expect(altered.n).toBeGreaterThan(0);
      expect(await shownRows(page, 'section.result-item', def)).toEqual(expectedRows(def, truth));
      expect(await page.locator('[data-figure="returned"]').textContent()).toBe(String(truth.returned));
      expect(await page.locator('[data-figure="issued"]').textContent()).toBe(String(truth.issued));
      expect(await page.locator('[data-figure="present"]').textContent()).toBe(String(truth.present));
      expect(await page.locator('[data-figure="valid"]').textContent()).toBe(String(truth.items[0]!.valid));
      await shot(page, `integrity-screen-${defs.indexOf(def) + 1}`);
      await page.context().close();
    }
  });

  it('the printed report shows the recorded counts and outcomes when /tally says otherwise', async () => {
    for (const def of defs) {
      const truth = await closeEntryTally(def.voteId);
      const altered = { n: 0 };
      const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
      await page.route('**/v1/votes/*/tally', lyingTally(altered));
      await page.goto(`${service.url}/#/projector?committee=${c.id}&vote=${def.voteId}&report=1`);
      await page.locator('.report tr[data-candidate]').first().waitFor({ timeout: 30_000 });
      expect(altered.n).toBeGreaterThan(0);
      expect(await shownRows(page, '.report', def)).toEqual(expectedRows(def, truth));
      await shot(page, `integrity-report-${defs.indexOf(def) + 1}`);
      await page.context().close();
    }
  });
});

describe('the secretary’s meeting page', () => {
  it('lists every closed vote of the meeting: its title, each item’s result in one sentence, its result sheet', async () => {
    const code = (await admin.api.post(`/v1/people/${c.secretary.personId}/enrolment-codes`)).body.code;
    const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${service.url}/#/secretary?committee=${c.id}&meeting=${meetingId}&code=${code}`);
    await page.click('form.enrol button[type=submit]');
    const lines = page.locator('.meeting-results li.meeting-result');
    await page.locator('.meeting-results[data-closed="2"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('.meeting-results li.meeting-result[data-loaded="true"]').count(), { timeout: 20_000 }).toBe(2);
    expect(await lines.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-vote-id')))).toEqual(defs.map((d) => d.voteId));
    expect(await lines.locator('.meeting-result-title').allTextContents()).toEqual(['局长任职表决', '副局长推荐表决']);
    expect(await lines.nth(0).locator('.result-sentence').allTextContents()).toEqual(['县财政局局长：通过：王一。']);
    expect(await lines.nth(1).locator('.result-sentence').allTextContents()).toEqual(['县财政局副局长：当选：张三。']);
    for (const [i, def] of defs.entries()) {
      const href = await lines.nth(i).locator('a.report-link').getAttribute('href');
      expect(href).toBe(`#/projector?committee=${c.id}&vote=${def.voteId}&full=1&report=1`);
    }
    await shot(page, 'integrity-secretary-results');
  });
});
