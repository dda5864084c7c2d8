// The member's phone lists the devices enrolled in the member's name and raises an alarm when a
// newer one appears (someone holding it could take the member's ballot token); the member can
// acknowledge a device that is theirs. Screenshots: test-results/screenshots/device-alarm-*.png.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PHONE, shot } from './browser.ts';
import { useBrowserWorld } from './phone.ts';
import { Api, enrolAndLogin } from '../helpers/client.ts';
import { createCommittee } from '../helpers/world.ts';

const world = useBrowserWorld();
let phone: Page;
let memberId: string;

describe('the member’s devices', () => {
  it('the phone lists the devices in the member’s name, with no alarm for older ones', async () => {
    const c = await createCommittee(world.admin, '设备告警委员会', ['王毅']);
    memberId = c.members[0]!.personId;
    // The member already has a device (enrolled by the helper); this phone is the newer one.
    const code = (await world.admin.api.post(`/v1/people/${memberId}/enrolment-codes`)).body.code;
    phone = await (await world.browser.newContext({ locale: 'zh-CN', ...PHONE })).newPage();
    await phone.goto(`${world.service.url}/#/member?code=${code}`);
    await phone.click('form.enrol button[type=submit]');
    await expect.poll(() => phone.locator('.member-devices .device-list li').count(), { timeout: 15_000 }).toBe(2);
    expect(await phone.locator('.device-alarm').count()).toBe(0);
  });

  it('raises the alarm when a device newer than the phone is enrolled in the member’s name, until acknowledged', async () => {
    const code = (await world.admin.api.post(`/v1/people/${memberId}/enrolment-codes`)).body.code;
    await enrolAndLogin(new Api(world.service.url), code);
    await phone.locator('.device-alarm').waitFor({ timeout: 20_000 });
    expect(await phone.locator('.device-alarm').textContent()).toContain('有新设备以您的名义登记');
    expect(await phone.locator('.member-devices .device-list li').count()).toBe(3);
    await shot(phone, 'device-alarm-1-new-device');
    await phone.click('.device-alarm button.acknowledge-devices');
    await expect.poll(() => phone.locator('.device-alarm').count()).toBe(0);
    // Acknowledged on this phone: a reload does not raise it again.
    await phone.reload();
    await expect.poll(() => phone.locator('.member-devices .device-list li').count(), { timeout: 15_000 }).toBe(3);
    expect(await phone.locator('.device-alarm').count()).toBe(0);
  });
});
