// Debian's Chromium through playwright-core, as both browser suites launch it (never a
// downloaded browser), where their screenshots go, and the accessibility check at each one.
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './preflight.mjs';
import { seriousViolations } from './axe.ts';

export const SHOTS = 'test-results/screenshots';
export const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

export async function launchChromium(): Promise<Browser> {
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Saves a screenshot and checks the page as it is with axe-core: every screen the suites show
 * is also an accessibility checkpoint, failing on any serious or critical violation, and on a
 * page that has no h1 or more than one.
 */
export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
  const violations = await seriousViolations(page);
  if (violations.length > 0) throw new Error(`axe on ${name}:\n  ${violations.join('\n  ')}`);
  // One h1 per page: the page's own title, so a screen reader's "next heading" starts there.
  const h1s = await page.evaluate(() => Array.from(document.querySelectorAll('h1'), (e) => e.textContent ?? ''));
  if (h1s.length !== 1) throw new Error(`${name}: ${h1s.length} h1 elements (one per page expected): ${JSON.stringify(h1s)}`);
}
