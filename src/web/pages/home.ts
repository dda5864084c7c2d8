// The start page: who this device is, and the way to each page.
import { Session } from '../api.ts';
import { cryptoAvailable } from '../device.ts';
import { h, put } from '../dom.ts';
import { L } from '../i18n.ts';
import { forgetDeviceButton, insecureNotice } from '../signed-in.ts';
import { errorText, notice } from '../ui.ts';

export function mountHome(root: HTMLElement): void {
  const device = h('div', { class: 'device-state' });
  const tile = (href: string, zh: string, en: string, zhText: string, enText: string) =>
    h('a', { class: 'tile', href }, h('strong', null, L(zh, en)), h('span', null, L(zhText, enText)));
  put(
    root,
    h(
      'div',
      { class: 'home' },
      h('h1', null, L('票决', 'Piaojue'), h('small', null, L(' · 无记名、可验证的表决', ' · secret, verifiable committee votes'))),
      device,
      h(
        'div',
        { class: 'tiles' },
        tile('#/member', '委员投票', 'Vote', '登记设备、领取选票、投票并核对计入', 'Enrol, get your ballots, vote, check it was counted'),
        tile('#/secretary', '秘书', 'Secretary', '会议、到会登记、表决、开始与结束投票', 'Meetings, attendance, votes, opening and closing'),
        tile('#/observer', '监票验证', 'Verify', '在浏览器中独立核验公开记录', 'Check a public record in this browser'),
        tile(
          '#/admin',
          '管理',
          'Administration',
          '委员会与规则、委员名单、秘书、登记码与设备',
          'Committees and rules, members, secretaries, enrolment codes and devices',
        ),
      ),
      h('p', { class: 'hint' }, L('大屏结果请从秘书页面的“大屏显示”打开。', 'Open the big-screen result from “Projector” on the secretary page.')),
    ),
  );
  if (!cryptoAvailable()) {
    put(device, insecureNotice());
    return;
  }
  Session.resume().then(
    (s) => {
      if (!s) {
        put(device, notice('info', L('本设备尚未登记。', 'This device is not enrolled yet.')));
        return;
      }
      put(
        device,
        notice('ok', L(`本设备已登记：${s.me.name}`, `This device is enrolled: ${s.me.name}`)),
        forgetDeviceButton(() => mountHome(root)),
      );
    },
    (e) => put(device, notice('error', errorText(e))),
  );
}
