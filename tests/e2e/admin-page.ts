// Helpers for driving the administrator's page (#/admin) in the e2e tests.
import type { Locator, Page } from 'playwright-core';

/**
 * Clicks a person's “issue code” button, reads the code and the enrolment link off the slip
 * (shown once), runs `whileOpen` (screenshots) and closes the slip.
 */
export async function issueCodeOnPage(page: Page, person: Locator, whileOpen?: () => Promise<void>): Promise<{ code: string; link: string }> {
  await person.locator('button.issue-code').click();
  const slip = page.locator('.code-overlay');
  await slip.locator('.slip-code').waitFor();
  const code = (await slip.locator('.slip-code').getAttribute('data-code'))!;
  const link = (await slip.locator('.slip-link code').textContent())!;
  if (!/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/.test(code)) throw new Error(`not a code: ${code}`);
  await whileOpen?.();
  await slip.locator('button.close-slip').click();
  await slip.waitFor({ state: 'detached' });
  return { code, link };
}

/** Opens a person's device list on the admin page and returns its items. */
export async function openDevices(person: Locator): Promise<Locator> {
  if ((await person.locator('button.show-devices').getAttribute('aria-expanded')) !== 'true') await person.locator('button.show-devices').click();
  await person.locator('.devices h4').waitFor();
  return person.locator('.devices li.device');
}
