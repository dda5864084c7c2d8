// The member's own devices, on the member page: every device ever enrolled in their name (the
// record shows each enrolment too), and an alarm — a red notice, a vibration where the phone
// has one — when a device this phone has not seen before appears: enrolled after this one and
// not yet acknowledged here. Someone who enrolled a device in a member's name could vote in the
// member's stead; the member is the one who can tell it is not theirs.
import type { Session } from './api.ts';
import { h, put } from './dom.ts';
import { L } from './i18n.ts';
import type { Device } from './types.ts';
import { shortHash } from './ui.ts';

const storageKey = (personId: string) => `piaojue.devices-seen.${personId}`;

function seen(personId: string): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(storageKey(personId)) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

function remember(personId: string, fingerprints: Iterable<string>): void {
  try {
    localStorage.setItem(storageKey(personId), JSON.stringify([...new Set([...seen(personId), ...fingerprints])]));
  } catch {
    // Private browsing without storage: the alarm then stays until the page is left.
  }
}

/** Devices enrolled in the member's name after this one that this phone has not acknowledged. */
export function newDevices(devices: readonly Device[], thisDeviceId: string, acknowledged: ReadonlySet<string>): Device[] {
  const mine = devices.find((d) => d.id === thisDeviceId);
  if (!mine) return [];
  return devices.filter((d) => d.id !== thisDeviceId && d.enrolledAt > mine.enrolledAt && !acknowledged.has(d.fingerprint));
}

export function deviceWatch(session: Session): { el: HTMLElement; refresh: () => Promise<void> } {
  const el = h('section', { class: 'card member-devices' });
  let alarmed = new Set<string>();
  let devices: Device[] = [];

  function render(): void {
    const personId = session.me.personId;
    const fresh = newDevices(devices, session.device.deviceId, seen(personId));
    const alarm =
      fresh.length > 0
        ? h(
            'div',
            { class: 'notice error device-alarm', role: 'alert' },
            h('strong', null, L('警告：有新设备以您的名义登记。', 'Warning: a new device was enrolled in your name.')),
            ' ',
            L(
              '如果不是您本人登记的，请立即告知管理员和监票人：此设备可能被用来代您领票。',
              'If you did not enrol it, tell the administrator and the scrutineers now: it could be used to take your ballot token.',
            ),
            h(
              'ul',
              null,
              fresh.map((d) => h('li', null, `${d.label ?? d.alg} · ${shortHash(d.fingerprint)} · ${new Date(d.enrolledAt).toLocaleString()}`)),
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'acknowledge-devices',
                onclick: () => (
                  remember(
                    personId,
                    fresh.map((d) => d.fingerprint),
                  ),
                  render()
                ),
              },
              L('这些是我的设备', 'These devices are mine'),
            ),
          )
        : null;
    put(
      el,
      h('h3', null, L('我名下的设备', 'Devices enrolled in my name')),
      alarm,
      h(
        'ul',
        { class: 'device-list' },
        devices.map((d) =>
          h(
            'li',
            { class: d.revokedAt ? 'revoked' : '' },
            `${d.label ?? d.alg} · ${shortHash(d.fingerprint)} · ${new Date(d.enrolledAt).toLocaleString()}`,
            d.id === session.device.deviceId ? L('（本设备）', ' (this device)') : '',
            d.revokedAt ? L('（已吊销）', ' (revoked)') : '',
          ),
        ),
      ),
    );
    const unseen = fresh.filter((d) => !alarmed.has(d.fingerprint));
    if (unseen.length > 0) {
      alarmed = new Set([...alarmed, ...unseen.map((d) => d.fingerprint)]);
      navigator.vibrate?.([300, 150, 300, 150, 300]);
    }
  }

  let last = 0;
  async function refresh(): Promise<void> {
    // With the page's refresh, but at most every 10 seconds.
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    try {
      devices = (await session.get<{ devices: Device[] }>(`/v1/people/${session.me.personId}/devices`)).devices;
      render();
    } catch {
      // The list is refreshed with the page; a failed read leaves the last one shown.
    }
  }

  return { el, refresh };
}
