// The administrator's page: committees and their rules, members (pasted one name per line),
// secretaries, one-time enrolment codes (shown once, with a QR code and a printable slip) and
// each person's devices, with revocation. The administrator signs in like everyone else: the
// code `npm start` prints on the first start enrols this browser as the administrator's device.
//
// This module is the frame — the committee list, the chosen committee's panel, the
// administrator's own devices; the parts are in ./admin/: committees.ts (rules, a new
// committee), roster.ts (members, secretaries), people.ts and devices.ts (one person: codes,
// devices, revocation), slips.ts (the printed codes), context.ts (what they share).
import { addressWarning, linkBase } from '../site.ts';
import type { Session } from '../api.ts';
import { h, put } from '../dom.ts';
import { L } from '../i18n.ts';
import type { Committee, Member, PersonRef } from '../types.ts';
import { notice } from '../ui.ts';
import { signedInPage } from '../signed-in.ts';
import { createForm, summary } from './admin/committees.ts';
import { problem, type AdminContext, type Flash } from './admin/context.ts';
import { personRow } from './admin/people.ts';
import { membersSection, secretariesSection } from './admin/roster.ts';
import { sheetHost } from './admin/slips.ts';

export const mountAdmin = signedInPage(runAdmin);

function runAdmin(root: HTMLElement, session: Session, params: URLSearchParams): () => void {
  const me = session.me;
  if (!me.isAdmin) {
    put(
      root,
      h(
        'section',
        { class: 'card not-admin' },
        h('h1', { class: 'page-title' }, L('管理', 'Administration')),
        notice('warn', L(`${me.name}：您不是管理员，不能使用本页面。`, `${me.name}: you are not an administrator, so this page is not for you.`)),
        h(
          'p',
          { class: 'hint' },
          L(
            '本浏览器登记的是上面这个人的设备。管理员的登记码在服务首次启动（npm start）时打印在控制台上，请在管理员自己的设备（或另一个浏览器）上用它登记后打开本页面。',
            'This browser is enrolled as the person above. The administrator’s code is printed by the service on its first start (npm start): enrol the administrator’s own device (or another browser) with it and open this page there.',
          ),
        ),
        h(
          'div',
          { class: 'row' },
          h('a', { class: 'button', href: '#/member' }, L('去投票页面', 'Go to voting')),
          h('a', { class: 'button', href: '#/secretary' }, L('去秘书页面', 'Go to the secretary page')),
        ),
      ),
    );
    return () => {};
  }

  let committees: Committee[] = [];
  let committeeId = params.get('committee') ?? undefined;
  let creating = false;
  let gone = false;
  const side = h('section', { class: 'card committees', 'aria-label': L('委员会', 'Committees') });
  const panel = h('div', { class: 'committee-panel' });
  const mine = h('section', { class: 'card my-devices' });
  const slipHost = h('div', { class: 'slip-host' });
  const warningHost = h('div', { class: 'address-warning-host' });
  /** Where slips and QR codes send phones (see site.ts); set before anything is shown. */
  let linkTo = location.origin;
  const sheet = sheetHost(slipHost);
  put(root, warningHost, h('div', { class: 'admin' }, side, panel, mine), slipHost);

  const ctx: AdminContext = {
    session,
    me,
    committee: () => committees.find((c) => c.id === committeeId),
    linkTo: () => linkTo,
    issuedAt: new Map(),
    sheet,
    panel,
    showPanel,
    showMine,
    refreshCommittee,
  };

  function remember(): void {
    history.replaceState(null, '', committeeId ? `#/admin?committee=${committeeId}` : '#/admin');
  }

  async function loadCommittees(): Promise<void> {
    committees = (await session.get<{ committees: Committee[] }>('/v1/committees')).committees;
    if (!committees.some((c) => c.id === committeeId)) committeeId = committees[0]?.id;
  }

  async function start(): Promise<void> {
    linkTo = await linkBase();
    put(warningHost, addressWarning(linkTo));
    try {
      await loadCommittees();
    } catch (e) {
      put(side, problem(e));
      return;
    }
    remember();
    showSide();
    showMine();
    await showPanel();
  }

  function showSide(): void {
    put(
      side,
      h('div', { class: 'who' }, h('strong', null, me.name), me.name === '管理员' ? null : ` · ${L('管理员', 'Administrator')}`),
      h('h1', { class: 'page-title' }, L('委员会', 'Committees')),
      committees.length === 0
        ? h('p', { class: 'hint' }, L('还没有委员会。', 'No committee yet.'))
        : h(
            'ul',
            { class: 'meeting-list committee-list' },
            committees.map((c) =>
              h(
                'li',
                null,
                h(
                  'button',
                  {
                    type: 'button',
                    class: `meeting-link committee-link ${c.id === committeeId && !creating ? 'current' : ''}`,
                    'data-committee-id': c.id,
                    onclick: () => {
                      committeeId = c.id;
                      creating = false;
                      remember();
                      showSide();
                      void showPanel();
                    },
                  },
                  h('span', null, c.name),
                  h('span', { class: 'badge' }, L(`应到 ${c.entitled}`, `${c.entitled} entitled`)),
                ),
              ),
            ),
          ),
      h(
        'button',
        {
          type: 'button',
          class: `new-committee-button ${creating ? 'current' : ''}`,
          onclick: () => {
            creating = true;
            showSide();
            void showPanel();
          },
        },
        L('＋ 新建委员会', '+ New committee'),
      ),
    );
  }

  function showMine(): void {
    put(
      mine,
      h('h2', null, L('我的设备', 'My devices')),
      h('p', { class: 'hint' }, L('可为自己再发一个登记码，登记一台备用设备。', 'Issue yourself a code to enrol a spare device.')),
      h('ul', { class: 'people' }, personRow(ctx, { personId: me.personId, name: me.name }, 'self')),
    );
  }

  async function showPanel(flash?: Flash): Promise<void> {
    const c = ctx.committee();
    if (creating || !c) {
      put(
        panel,
        createForm(session, {
          first: committees.length === 0,
          onCreated: async (created) => {
            committees.push(created);
            committeeId = created.id;
            creating = false;
            remember();
            showSide();
            await showPanel();
          },
          ...(committees.length > 0
            ? {
                onCancel: () => {
                  creating = false;
                  showSide();
                  void showPanel();
                },
              }
            : {}),
        }),
      );
      return;
    }
    let members: Member[], secretaries: PersonRef[];
    try {
      [members, secretaries] = await Promise.all([
        session.get<{ members: Member[] }>(`/v1/committees/${c.id}/members`).then((r) => r.members),
        session.get<{ secretaries: PersonRef[] }>(`/v1/committees/${c.id}/secretaries`).then((r) => r.secretaries),
      ]);
    } catch (e) {
      put(panel, problem(e));
      return;
    }
    if (gone) return;
    put(
      panel,
      summary(c),
      membersSection(ctx, c, members, flash?.where === 'members' ? flash.els : []),
      secretariesSection(ctx, c, secretaries, flash?.where === 'secretaries' ? flash.els : []),
    );
  }

  async function refreshCommittee(): Promise<void> {
    try {
      const fresh = await session.get<Committee>(`/v1/committees/${committeeId}`);
      committees = committees.map((c) => (c.id === fresh.id ? fresh : c));
      showSide();
      panel.querySelector('.committee-summary')?.replaceWith(summary(fresh));
    } catch {
      // the list still shows the last known figures
    }
  }

  void start();
  return () => {
    gone = true;
    sheet.close();
  };
}
