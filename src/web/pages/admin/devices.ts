// A person's devices on the administrator's page, with revocation (asked for once more, and
// warned about when it is the device in use).
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import type { Device, PersonRef } from '../../types.ts';
import { notice } from '../../ui.ts';
import { problem, when, type AdminContext } from './context.ts';

export async function showDevices(
  ctx: AdminContext,
  box: HTMLElement,
  p: PersonRef,
  flash: HTMLElement | undefined,
  loaded: (list: Device[]) => void,
): Promise<void> {
  put(box, notice('info', L('正在读取设备…', 'Loading devices…')));
  let list: Device[];
  try {
    list = (await ctx.session.get<{ devices: Device[] }>(`/v1/people/${p.personId}/devices`)).devices;
  } catch (e) {
    put(box, problem(e));
    return;
  }
  loaded(list);
  put(
    box,
    h('h4', null, L(`${p.name}的设备`, `${p.name}’s devices`)),
    list.length === 0
      ? h('p', { class: 'hint no-devices' }, L('尚未登记任何设备。', 'No device enrolled yet.'))
      : h(
          'ul',
          { class: 'device-list' },
          list.map((d) => deviceItem(ctx, d, p, box, loaded)),
        ),
    flash,
  );
}

function deviceItem(ctx: AdminContext, d: Device, p: PersonRef, box: HTMLElement, loaded: (list: Device[]) => void): HTMLElement {
  const revoked = d.revokedAt !== null;
  const confirmBox = h('div');
  const revoke = async (button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      await ctx.session.post<Device>(`/v1/devices/${d.id}/revoke`);
      await showDevices(ctx, box, p, notice('ok', L('设备已吊销。', 'The device is revoked.')), loaded);
    } catch (e) {
      put(confirmBox, problem(e));
    }
  };
  const revokeButton = h('button', { type: 'button', class: 'danger revoke' }, L('吊销', 'Revoke'));
  const cancel = () => {
    put(confirmBox);
    revokeButton.hidden = false;
    revokeButton.focus();
  };
  const ask = () => {
    revokeButton.hidden = true;
    put(
      confirmBox,
      h(
        'div',
        { class: 'confirm revoke-confirm', role: 'alertdialog', 'aria-label': L('确认吊销', 'Confirm revocation') },
        h('h4', null, L(`吊销${p.name}的这台设备？`, `Revoke this device of ${p.name}?`)),
        h(
          'p',
          null,
          L(
            '吊销后该设备立即无法登录、不能再领取选票，且不可恢复；已投出的票不受影响。如需继续使用，请发放新的登记码重新登记。',
            'The device can no longer sign in or obtain ballot tokens, at once and for good; ballots already cast are not affected. Issue a new code to enrol again.',
          ),
        ),
        d.id === ctx.me.deviceId
          ? notice(
              'warn',
              L('这是您现在正在使用的设备：吊销后本页面将无法继续使用。', 'This is the device you are using now: after revoking it this page stops working.'),
            )
          : null,
        h(
          'div',
          { class: 'row' },
          h(
            'button',
            { type: 'button', class: 'danger confirm-revoke', onclick: (ev: Event) => void revoke(ev.currentTarget as HTMLButtonElement) },
            L('确认吊销', 'Revoke'),
          ),
          h('button', { type: 'button', class: 'cancel-revoke', onclick: cancel }, L('取消', 'Cancel')),
        ),
      ),
    );
  };
  revokeButton.addEventListener('click', ask);
  return h(
    'li',
    { class: `device ${revoked ? 'revoked' : 'active'}`, 'data-device-id': d.id, 'data-revoked': String(revoked) },
    h(
      'div',
      { class: 'device-head' },
      h('strong', null, d.label || L('未命名设备', 'Unnamed device')),
      d.id === ctx.me.deviceId ? h('span', { class: 'badge' }, L('本设备', 'This device')) : null,
      revoked ? h('span', { class: 'badge revoked-badge' }, L('已吊销', 'Revoked')) : h('span', { class: 'badge open' }, L('使用中', 'In use')),
    ),
    h(
      'div',
      { class: 'device-meta' },
      h('span', null, L(`登记于 ${when(d.enrolledAt)}`, `Enrolled ${when(d.enrolledAt)}`)),
      revoked ? h('span', null, L(`吊销于 ${when(d.revokedAt!)}`, `Revoked ${when(d.revokedAt!)}`)) : null,
      h('span', null, `${d.alg} · ${L('指纹', 'fingerprint')} `, h('code', null, d.fingerprint.slice(0, 16))),
    ),
    revoked ? null : revokeButton,
    confirmBox,
  );
}
