// What the phone tests share: a service, Chromium and the signed-in administrator for the file;
// a member's phone enrolled from a fresh code; one single-candidate vote taken to open with the
// phone's token fetched; the marks-review-cast sequence; whether a page as it is fits the phone.
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, PHONE } from './browser.ts';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, type CommitteeFixture } from '../helpers/world.ts';
import type { VoteDefinition } from '../../src/protocol/ballot.ts';

export interface BrowserWorld {
  service: TestService;
  browser: Browser;
  admin: Session;
}

/** Starts the service and Chromium before the file's tests and closes both after them. */
export function useBrowserWorld(options: Parameters<typeof startTestService>[0] = {}): BrowserWorld {
  const world = {} as BrowserWorld;
  beforeAll(async () => {
    world.service = await startTestService(options);
    world.browser = await launchChromium();
    world.admin = await adminSession(world.service);
  });
  afterAll(async () => {
    await world.browser?.close();
    await world.service?.close();
  });
  return world;
}

/**
 * A phone (375 px, Chinese) enrolled as `personId` from a new code (answered too: it is spent)
 * and signed in. `before` runs on the page before it loads (routes and listeners that must see
 * every request).
 */
export async function enrolledPhone(world: BrowserWorld, personId: string, before?: (page: Page) => unknown): Promise<{ page: Page; code: string }> {
  const code = (await world.admin.api.post(`/v1/people/${personId}/enrolment-codes`)).body.code as string;
  const page = await (await world.browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
  await before?.(page);
  await page.goto(`${world.service.url}/#/member?code=${code}`);
  await page.click('form.enrol button[type=submit]');
  await page.locator('.me-name').waitFor({ timeout: 15_000 });
  return { page, code };
}

/**
 * A meeting with every member present and one vote (局长, one candidate 王一) opened, once the
 * phone has fetched its token; `beforeOpen` runs between the two (designating inspectors, other
 * members' tokens). Answers the vote, its meeting and the phone's card for it.
 */
export async function openOneVote(
  c: CommitteeFixture,
  phone: Page,
  beforeOpen?: (def: VoteDefinition, meetingId: string) => Promise<void>,
): Promise<{ def: VoteDefinition; meetingId: string; card: Locator }> {
  const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '会议' })).body.id as string;
  const def = (await c.secretary.api.post(`/v1/meetings/${meetingId}/votes`, { title: '表决', items: [{ post: '局长', seats: 1, candidates: ['王一'] }] })).body
    .definition as VoteDefinition;
  await c.secretary.api.post(`/v1/meetings/${meetingId}/open`);
  await c.secretary.api.put(`/v1/meetings/${meetingId}/attendance`, { present: c.members.map((m) => m.personId) });
  const card = phone.locator(`section.vote[data-vote-id="${def.voteId}"]`);
  await beforeOpen?.(def, meetingId);
  await card.locator('.token-ready').waitFor({ timeout: 30_000 });
  await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);
  await card.locator('li.candidate button[data-mark="approve"]').waitFor({ timeout: 30_000 });
  return { def, meetingId, card };
}

/** Marks 同意 for the card's candidate, reviews and casts. */
export async function castApproval(card: Locator): Promise<void> {
  await card.locator('li.candidate button[data-mark="approve"]').click();
  await card.locator('button.cast').click();
  await card.locator('button.confirm-cast').click();
}

/**
 * What does not fit a phone on the page as it is: the document's width beyond the viewport,
 * the visible controls that reach past its right edge, and the visible text under 16 px.
 */
async function misfits(page: Page): Promise<{ scrollWidth: number; clipped: string[]; small: string[] }> {
  return page.evaluate((width) => {
    const visible = (e: Element) => {
      const r = e.getBoundingClientRect();
      const s = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const label = (e: Element) => `${e.tagName.toLowerCase()}.${Array.from(e.classList).join('.')} “${(e.textContent ?? '').trim().slice(0, 24)}”`;
    const clipped = Array.from(document.querySelectorAll('button, a, input, select, textarea, summary'))
      .filter(visible)
      .filter((e) => e.getBoundingClientRect().right > width + 0.5 || e.getBoundingClientRect().left < -0.5)
      .map(label);
    const small: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || (n.textContent ?? '').trim() === '' || !visible(el)) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 16) small.push(`${label(el)} ${px}px`);
    }
    return { scrollWidth: document.scrollingElement!.scrollWidth, clipped, small: [...new Set(small)] };
  }, PHONE.viewport.width);
}

export async function expectFitsPhone(page: Page): Promise<void> {
  const found = await misfits(page);
  expect(found.scrollWidth).toBeLessThanOrEqual(PHONE.viewport.width);
  expect(found.clipped).toEqual([]);
  expect(found.small).toEqual([]);
}
