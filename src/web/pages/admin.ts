// The administrator's page: committees and their rules, members (pasted one name per line),
// secretaries, one-time enrolment codes (shown once, with a QR code and a printable slip) and
// each person's devices, with revocation. The administrator signs in like everyone else: the
// code `npm start` prints on the first start enrols this browser as the administrator's device.
import { addressWarning, linkBase } from '../site.ts';
import { quorumRequired, type Mark } from '../../protocol/ballot.ts';
import { ApiError, type Session } from '../api.ts';
import { h, put } from '../dom.ts';
import { currentLang, L, markLabel } from '../i18n.ts';
import { qrSvg } from '../qr.ts';
import type { Committee, Device, EnrolmentCode, Member, PersonRef } from '../types.ts';
import { errorText, notice, signIn } from '../ui.ts';
import { parseNameList } from '../../collation/name-list.ts';

type Role = 'member' | 'secretary' | 'self';
const OPTIONAL_MARKS: Mark[] = ['abstain', 'defer'];

export function mountAdmin(root: HTMLElement, params: URLSearchParams): () => void {
  let stop: (() => void) | undefined;
  let gone = false;
  root.append(
    signIn((s) => {
      if (gone) return;
      stop = runAdmin(root, s, params);
    }, params.get('code') ?? ''),
  );
  return () => {
    gone = true;
    stop?.();
  };
}

export function kindName(kind: string): string {
  if (kind === 'standing') return L('常委会', 'Standing committee');
  if (kind === 'full') return L('全委会', 'Full committee');
  return L('其他', 'Other');
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** The API's own words, with a plain explanation first for the refusals an administrator meets. */
function problem(e: unknown): HTMLElement {
  if (e instanceof ApiError && e.code === 'invalid_state') {
    return h(
      'div',
      { class: 'notice error', role: 'alert' },
      h('strong', null, L('有表决尚未结束，委员名单暂不能变动。请在该委员会的表决全部结束后再修改。', 'A vote of this committee is not closed yet, so the roster cannot change. Try again once every vote is closed.')),
      h('br'),
      h('small', null, errorText(e)),
    );
  }
  return notice('error', errorText(e));
}

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
        h('div', { class: 'row' }, h('a', { class: 'button', href: '#/member' }, L('去投票页面', 'Go to voting')), h('a', { class: 'button', href: '#/secretary' }, L('去秘书页面', 'Go to the secretary page'))),
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
  let closeSlip: (() => void) | undefined;
  /** Codes issued from this page since it was opened (the codes themselves are not kept). */
  const issuedAt = new Map<string, string>();
  put(root, warningHost, h('div', { class: 'admin' }, side, panel, mine), slipHost);

  const committee = () => committees.find((c) => c.id === committeeId);

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
      h('ul', { class: 'people' }, personRow({ personId: me.personId, name: me.name }, 'self')),
    );
  }

  async function showPanel(flash?: { where: 'members' | 'secretaries'; els: HTMLElement[] }): Promise<void> {
    const c = committee();
    if (creating || !c) {
      put(panel, createForm(committees.length === 0));
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
    put(panel, summary(c), membersSection(c, members, flash?.where === 'members' ? flash.els : []), secretariesSection(c, secretaries, flash?.where === 'secretaries' ? flash.els : []));
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

  // ── Committee: rules summary ──────────────────────────────────────────────────────────────

  function summary(c: Committee): HTMLElement {
    const r = c.rules;
    const required = quorumRequired(c.entitled, r.quorum);
    const item = (dt: string, dd: string) => [h('dt', null, dt), h('dd', null, dd)];
    return h(
      'section',
      { class: 'card committee-summary', 'data-committee-id': c.id },
      h('div', { class: 'vote-title' }, h('h2', null, c.name), h('span', { class: 'badge' }, kindName(c.kind))),
      h(
        'dl',
        { class: 'rules' },
        item(L('应到', 'Entitled'), L(`${c.entitled} 人（在任且有表决权的委员）`, `${c.entitled} (active members with a voting right)`)),
        item(L('法定人数', 'Quorum'), L(`应到的 ${r.quorum.num}/${r.quorum.den}（目前至少 ${required} 人）`, `${r.quorum.num}/${r.quorum.den} of entitled (now at least ${required})`)),
        item(L('过半数基数', 'Majority of'), r.majorityBase === 'entitled' ? L('应到人数', 'entitled members') : L('实到人数', 'members present')),
        item(L('差额比例', 'Candidate ratio'), L(`候选人数不少于应选人数的 ${r.minCandidateRatio} 倍`, `at least ${r.minCandidateRatio} × seats candidates`)),
        item(L('票面选项', 'Marks'), r.marks.map(markLabel).join(' / ')),
        item(L('排序', 'Order'), r.collation === 'surname' ? L('姓氏笔画', 'surname strokes') : L('姓名笔画', 'full-name strokes')),
      ),
      h(
        'p',
        { class: 'hint' },
        L(
          '规则在创建后不能修改。为每位委员和秘书发放登记码后，秘书即可在“秘书”页面开会。',
          'Rules cannot change after creation. Once members and the secretary have enrolled with their codes, the secretary runs the meeting from the Secretary page.',
        ),
      ),
    );
  }

  // ── Creating a committee ──────────────────────────────────────────────────────────────────

  function createForm(first: boolean): HTMLElement {
    const name = h('input', { id: 'committee-name', name: 'committee-name', required: true, maxlength: 128, placeholder: L('如：某县委常委会', 'e.g. County standing committee') });
    const kind = h(
      'select',
      { id: 'committee-kind', name: 'kind' },
      (['standing', 'full', 'other'] as const).map((k) => h('option', { value: k, selected: k === 'standing' }, kindName(k))),
    );
    const num = h('input', { type: 'number', name: 'quorum-num', min: 1, max: 100, value: '2', inputmode: 'numeric', 'aria-label': L('法定人数分子', 'Quorum numerator') });
    const den = h('input', { type: 'number', name: 'quorum-den', min: 1, max: 100, value: '3', inputmode: 'numeric', 'aria-label': L('法定人数分母', 'Quorum denominator') });
    const ratio = h('input', { type: 'number', id: 'min-ratio', name: 'min-ratio', min: 1, max: 10, step: 0.1, value: '1.5', inputmode: 'decimal' });
    const radio = (group: string, value: string, label: string, checked: boolean) =>
      h('label', { class: 'check' }, h('input', { type: 'radio', name: group, value, checked }), h('span', null, label));
    const markBox = (mark: Mark, fixed: boolean, checked: boolean) =>
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'marks', value: mark, checked, disabled: fixed }), h('span', null, markLabel(mark), fixed ? h('small', { class: 'fixed' }, L('（必选）', ' (always)')) : null));
    const msg = h('div');
    const button = h('button', { type: 'submit', class: 'primary big create-committee' }, L('新建委员会', 'Create committee'));
    const form = h(
      'form',
      {
        class: 'card new-committee',
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          const get = (n: string) => form.querySelector<HTMLInputElement>(`input[name="${n}"]:checked`)?.value;
          const marks: Mark[] = ['approve', 'disapprove', ...OPTIONAL_MARKS.filter((m) => form.querySelector<HTMLInputElement>(`input[name=marks][value=${m}]`)!.checked)];
          const q = { num: Number(num.value), den: Number(den.value) };
          if (!name.value.trim()) return;
          if (!Number.isInteger(q.num) || !Number.isInteger(q.den) || q.num < 1 || q.den < 1 || q.num > q.den) {
            put(msg, notice('error', L('法定人数须为不大于 1 的分数，如 2/3。', 'The quorum must be a fraction of at most 1, e.g. 2/3.')));
            return;
          }
          button.disabled = true;
          try {
            const created = await session.post<Committee>('/v1/committees', {
              name: name.value.trim(),
              kind: kind.value,
              rules: { quorum: q, majorityBase: get('majority-base'), minCandidateRatio: Number(ratio.value), marks, collation: get('collation') },
              visibility: get('visibility'),
            });
            committees.push(created);
            committeeId = created.id;
            creating = false;
            remember();
            showSide();
            await showPanel();
          } catch (e) {
            put(msg, problem(e));
            button.disabled = false;
          }
        },
      },
      h('h2', null, L('新建委员会', 'New committee')),
      first ? h('p', { class: 'hint' }, L('第一步：建立委员会并确定表决规则（默认值即县委常委会的通常做法）。', 'First step: create the committee and its voting rules (the defaults are the usual county standing-committee rules).')) : null,
      h('label', { for: 'committee-name' }, L('名称', 'Name')),
      name,
      h('label', { for: 'committee-kind' }, L('类别', 'Kind')),
      kind,
      h(
        'fieldset',
        { class: 'rule-field' },
        h('legend', null, L('法定人数（到会人数须达应到人数的）', 'Quorum (share of entitled members who must be present)')),
        h('div', { class: 'fraction' }, num, h('span', { class: 'slash' }, '/'), den),
      ),
      h(
        'fieldset',
        { class: 'rule-field' },
        h('legend', null, L('当选须超过半数的基数', 'Elected with more than half of')),
        h('div', { class: 'choices' }, radio('majority-base', 'entitled', L('应到人数', 'entitled members'), true), radio('majority-base', 'present', L('实到人数', 'members present'), false)),
      ),
      h('label', { for: 'min-ratio' }, L('差额比例（候选人数 ≥ 应选人数 × 比例）', 'Candidate ratio (candidates ≥ seats × ratio)')),
      ratio,
      h(
        'fieldset',
        { class: 'rule-field' },
        h('legend', null, L('票面选项', 'Marks on the ballot')),
        h('div', { class: 'choices' }, markBox('approve', true, true), markBox('disapprove', true, true), markBox('abstain', false, true), markBox('defer', false, false)),
      ),
      h(
        'fieldset',
        { class: 'rule-field' },
        h('legend', null, L('候选人排序', 'Candidate order')),
        h('div', { class: 'choices' }, radio('collation', 'surname', L('姓氏笔画', 'Surname strokes'), true), radio('collation', 'fullname', L('姓名笔画', 'Full-name strokes'), false)),
      ),
      h(
        'fieldset',
        { class: 'rule-field' },
        h('legend', null, L('表决记录可见范围', 'Who may read the record')),
        h(
          'div',
          { class: 'choices' },
          radio('visibility', 'restricted', L('仅本委员会人员（委员、秘书、观察员）', 'This committee only (members, secretaries, observers)'), true),
          radio('visibility', 'public', L('公开（任何人凭委员会编号可读）', 'Public (anyone with the committee’s id)'), false),
        ),
      ),
      h('p', { class: 'hint' }, L('规则创建后不能修改；可见范围可随时更改。', 'Rules cannot be changed afterwards; who may read the record can.')),
      button,
      committees.length > 0
        ? h(
            'button',
            {
              type: 'button',
              class: 'quiet',
              onclick: () => {
                creating = false;
                showSide();
                void showPanel();
              },
            },
            L('取消', 'Cancel'),
          )
        : null,
      msg,
    );
    return form;
  }

  // ── Members ───────────────────────────────────────────────────────────────────────────────

  function membersSection(c: Committee, members: Member[], flash: HTMLElement[]): HTMLElement {
    const ta = h('textarea', { id: 'member-names', name: 'member-names', rows: 6, placeholder: L('每行一个姓名，例如：\n王一\n李二\n张三', 'One name per line, e.g.\nWang Yi\nLi Er') });
    const count = h('span', { class: 'paste-count', 'aria-live': 'polite' });
    const progress = h('div', { class: 'add-progress', 'aria-live': 'polite' });
    const button = h('button', { type: 'submit', class: 'primary add-members' }, L('添加委员', 'Add members'));
    const updateCount = () => {
      const n = parseNameList(ta.value).length;
      count.textContent = n ? L(`共 ${n} 人`, `${n} name${n > 1 ? 's' : ''}`) : '';
    };
    ta.addEventListener('input', updateCount);
    const form = h(
      'form',
      {
        class: 'add-members-form',
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          const names = parseNameList(ta.value);
          if (names.length === 0) return;
          const known = new Set(members.map((m) => m.name));
          const skipped: string[] = [];
          const toAdd: string[] = [];
          for (const n of names) {
            if (known.has(n)) skipped.push(n);
            else {
              known.add(n);
              toAdd.push(n);
            }
          }
          button.disabled = true;
          ta.disabled = true;
          const bar = h('progress', { max: Math.max(toAdd.length, 1), value: 0 });
          const line = h('span');
          put(progress, bar, line);
          let added = 0;
          let failure: unknown;
          let left: string[] = [];
          for (const [i, n] of toAdd.entries()) {
            line.textContent = L(`正在添加 ${i + 1}/${toAdd.length}：${n}`, `Adding ${i + 1} of ${toAdd.length}: ${n}`);
            try {
              await session.post<Member>(`/v1/committees/${c.id}/members`, { name: n });
              added++;
              bar.value = added;
            } catch (e) {
              failure = e;
              left = toAdd.slice(i);
              break;
            }
          }
          const els: HTMLElement[] = [];
          if (added > 0) els.push(notice('ok', L(`已添加 ${added} 名委员。`, `Added ${added} member${added > 1 ? 's' : ''}.`)));
          if (skipped.length > 0) els.push(notice('warn', L(`已在名单中，未重复添加：${skipped.join('、')}`, `Already on the roster, not added again: ${skipped.join(', ')}`)));
          if (failure) {
            els.push(problem(failure));
            els.push(notice('warn', L(`以下 ${left.length} 人未添加，仍保留在输入框中：${left.join('、')}`, `Not added (still in the box): ${left.join(', ')}`)));
          }
          await refreshCommittee();
          await showPanel({ where: 'members', els });
          const box = panel.querySelector<HTMLTextAreaElement>('#member-names');
          if (box && left.length > 0) {
            box.value = left.join('\n');
            box.dispatchEvent(new Event('input'));
          }
        },
      },
      h('h3', null, L('添加委员', 'Add members')),
      h('label', { for: 'member-names' }, L('粘贴姓名，每行一个', 'Paste names, one per line'), ' ', count),
      ta,
      h('p', { class: 'hint' }, L('每个姓名新建一名委员（有表决权、在任）。首尾空格会去掉，空行会跳过。', 'Each name becomes a new member (voting, active). Spaces around names are trimmed; blank lines are skipped.')),
      h('div', { class: 'row' }, button),
      progress,
    );
    return h(
      'section',
      { class: 'card members-admin' },
      h(
        'div',
        { class: 'vote-title' },
        h('h2', null, L(`委员（${members.length} 人，应到 ${c.entitled} 人）`, `Members (${members.length}, ${c.entitled} entitled)`)),
        h(
          'button',
          {
            type: 'button',
            class: 'refresh',
            title: L('重新读取名单和设备登记情况', 'Reload the roster and who has enrolled'),
            onclick: () => {
              showMine();
              void showPanel();
            },
          },
          L('刷新', 'Refresh'),
        ),
      ),
      members.length === 0
        ? h('p', { class: 'hint' }, L('还没有委员。在下面粘贴名单即可批量添加。', 'No member yet. Paste the roster below to add them all.'))
        : h('ul', { class: 'people' }, members.map((m) => personRow({ personId: m.memberId, name: m.name }, 'member', m))),
      members.length === 0 ? null : sheetControls(c, members),
      flash,
      form,
    );
  }

  function sheetControls(c: Committee, members: Member[]): HTMLElement {
    const msg = h('div', { class: 'sheet-msg' });
    const button = h('button', { type: 'button', class: 'issue-sheet' }, L('为未登记设备的委员发码并打印', 'Codes and slips for members without a device'));
    button.addEventListener('click', () => void issueSheet(c, members, button, msg));
    return h('div', { class: 'sheet-controls' }, h('div', { class: 'row' }, button), msg);
  }

  // ── Secretaries ───────────────────────────────────────────────────────────────────────────

  function secretariesSection(c: Committee, secretaries: PersonRef[], flash: HTMLElement[]): HTMLElement {
    const input = h('input', { id: 'secretary-name', name: 'secretary-name', maxlength: 64, placeholder: L('秘书姓名', 'Secretary’s name') });
    const msg = h('div');
    const button = h('button', { type: 'submit', class: 'primary appoint-secretary' }, L('指定秘书', 'Appoint'));
    return h(
      'section',
      { class: 'card secretaries-admin' },
      h('h2', null, L('秘书', 'Secretaries')),
      h('p', { class: 'hint' }, L('秘书负责开会、登记到会、发起和结束表决；秘书本人不参加投票。', 'The secretary opens meetings, records attendance and opens and closes votes; the secretary does not vote.')),
      secretaries.length === 0 ? h('p', { class: 'hint' }, L('尚未指定秘书。', 'No secretary yet.')) : h('ul', { class: 'people' }, secretaries.map((s) => personRow(s, 'secretary'))),
      flash,
      h(
        'form',
        {
          class: 'appoint-form',
          onsubmit: async (ev: Event) => {
            ev.preventDefault();
            const name = input.value.trim();
            if (!name) return;
            button.disabled = true;
            try {
              await session.post<PersonRef>(`/v1/committees/${c.id}/secretaries`, { name });
              await showPanel({ where: 'secretaries', els: [notice('ok', L(`已指定秘书：${name}。请为其发放登记码。`, `${name} appointed; issue them an enrolment code.`))] });
            } catch (e) {
              put(msg, problem(e));
              button.disabled = false;
            }
          },
        },
        h('label', { for: 'secretary-name' }, L('指定新秘书', 'Appoint a secretary')),
        h('div', { class: 'inline-form' }, input, button),
        msg,
      ),
    );
  }

  // ── A person: voting right and activity, enrolment code, devices ──────────────────────────

  function personRow(p: PersonRef, role: Role, member?: Member): HTMLElement {
    const msg = h('div', { class: 'person-msg' });
    const devices = h('div', { class: 'devices', hidden: true });
    const badges = h('span', { class: 'person-badges' });
    const enrolled = h('span', { class: 'person-badges enrolled' });
    const showBadges = (m?: Member) => {
      const issued = issuedAt.get(p.personId);
      put(
        badges,
        m && !m.active ? h('span', { class: 'badge off' }, L('已离任', 'Inactive')) : null,
        m && m.active && !m.votingRight ? h('span', { class: 'badge off' }, L('无表决权', 'No vote')) : null,
        role === 'self' ? h('span', { class: 'badge' }, L('本人', 'Me')) : null,
        issued ? h('span', { class: 'badge issued' }, L(`已发码 ${issued}`, `code issued ${issued}`)) : null,
      );
    };
    const showEnrolled = (list: Device[]) => {
      const active = list.filter((d) => d.revokedAt === null).length;
      put(
        enrolled,
        active > 0
          ? h('span', { class: 'badge open', 'data-devices': active }, L(`已登记 ${active} 台设备`, `${active} device${active > 1 ? 's' : ''}`))
          : list.length > 0
            ? h('span', { class: 'badge revoked-badge', 'data-devices': 0 }, L('设备均已吊销', 'All devices revoked'))
            : h('span', { class: 'badge none', 'data-devices': 0 }, L('未登记设备', 'No device')),
      );
    };
    void session.get<{ devices: Device[] }>(`/v1/people/${p.personId}/devices`).then((r) => showEnrolled(r.devices), () => {});
    showBadges(member);
    // The box always shows what the service has saved: a click asks for the change and the box
    // moves only when the answer says so. (Flipping it first and flipping it back on a refusal
    // showed, for a moment, a roster that was never saved, and raced with anything reading it.)
    const toggle = (field: 'votingRight' | 'active', label: string) => {
      let saving = false;
      const box = h('input', {
        type: 'checkbox',
        name: field,
        checked: member![field],
        onclick: async (event: Event) => {
          event.preventDefault();
          if (saving) return;
          saving = true;
          const want = !member![field];
          box.setAttribute('aria-busy', 'true');
          put(msg, notice('info', L('正在保存…', 'Saving…')));
          try {
            const updated = await session.patch<Member>(`/v1/committees/${committeeId}/members/${p.personId}`, { [field]: want });
            Object.assign(member!, updated);
            box.checked = updated[field];
            showBadges(member);
            put(msg, notice('ok', L(`已保存：${p.name} ${label}${want ? '' : '（已取消）'}`, `Saved: ${p.name}, ${label} ${want ? 'on' : 'off'}`)));
            await refreshCommittee();
          } catch (e) {
            put(msg, problem(e));
          } finally {
            saving = false;
            box.removeAttribute('aria-busy');
          }
        },
      });
      return h('label', { class: 'check toggle' }, box, h('span', null, label));
    };
    const codeButton = h('button', { type: 'button', class: 'issue-code' }, L('发登记码', 'Enrolment code'));
    codeButton.addEventListener('click', () => void issueCode());
    async function issueCode(): Promise<void> {
      codeButton.disabled = true;
      put(msg);
      try {
        const code = await session.post<EnrolmentCode>(`/v1/people/${p.personId}/enrolment-codes`);
        issuedAt.set(p.personId, new Date().toLocaleTimeString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit' }));
        showBadges(member);
        showSlip(p, role, code, codeButton);
      } catch (e) {
        put(msg, problem(e));
      } finally {
        codeButton.disabled = false;
      }
    }
    // Removing a secretary is an entry on the chain (secretary.removed, naming this administrator);
    // the person keeps their devices, and a member keeps their vote.
    const removeButton =
      role === 'secretary'
        ? h('button', {
            type: 'button',
            class: 'danger remove-secretary',
            onclick: async (ev: Event) => {
              const button = ev.currentTarget as HTMLButtonElement;
              if (!confirm(L(`免去${p.name}的秘书职务？此操作记入公开记录。`, `Remove ${p.name} as secretary? This is written to the public record.`))) return;
              button.disabled = true;
              try {
                await session.delete(`/v1/committees/${committeeId}/secretaries/${p.personId}`);
                await showPanel({ where: 'secretaries', els: [notice('ok', L(`已免去${p.name}的秘书职务。`, `${p.name} is no longer a secretary.`))] });
              } catch (e) {
                put(msg, problem(e));
                button.disabled = false;
              }
            },
          }, L('免去', 'Remove'))
        : null;
    const devicesButton = h('button', { type: 'button', class: 'show-devices', 'aria-expanded': 'false' }, L('设备', 'Devices'));
    devicesButton.addEventListener('click', () => {
      const open = devices.hidden;
      devices.hidden = !open;
      devicesButton.setAttribute('aria-expanded', String(open));
      devicesButton.classList.toggle('current', open);
      if (open) void showDevices(devices, p, undefined, showEnrolled);
    });
    return h(
      'li',
      { class: 'person', 'data-person-id': p.personId, 'data-name': p.name, 'data-role': role },
      h('div', { class: 'person-head' }, h('strong', { class: 'person-name' }, p.name), badges, enrolled),
      h(
        'div',
        { class: 'person-controls' },
        member ? toggle('votingRight', L('有表决权', 'Voting right')) : null,
        member ? toggle('active', L('在任', 'Active')) : null,
        codeButton,
        devicesButton,
        removeButton,
      ),
      msg,
      devices,
    );
  }

  async function showDevices(box: HTMLElement, p: PersonRef, flash: HTMLElement | undefined, loaded: (list: Device[]) => void): Promise<void> {
    put(box, notice('info', L('正在读取设备…', 'Loading devices…')));
    let list: Device[];
    try {
      list = (await session.get<{ devices: Device[] }>(`/v1/people/${p.personId}/devices`)).devices;
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
        : h('ul', { class: 'device-list' }, list.map((d) => deviceItem(d, p, box, loaded))),
      flash,
    );
  }

  function deviceItem(d: Device, p: PersonRef, box: HTMLElement, loaded: (list: Device[]) => void): HTMLElement {
    const revoked = d.revokedAt !== null;
    const confirmBox = h('div');
    const revoke = async (button: HTMLButtonElement) => {
      button.disabled = true;
      try {
        await session.post<Device>(`/v1/devices/${d.id}/revoke`);
        await showDevices(box, p, notice('ok', L('设备已吊销。', 'The device is revoked.')), loaded);
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
            L('吊销后该设备立即无法登录、不能再领取选票，且不可恢复；已投出的票不受影响。如需继续使用，请发放新的登记码重新登记。', 'The device can no longer sign in or obtain ballot tokens, at once and for good; ballots already cast are not affected. Issue a new code to enrol again.'),
          ),
          d.id === me.deviceId ? notice('warn', L('这是您现在正在使用的设备：吊销后本页面将无法继续使用。', 'This is the device you are using now: after revoking it this page stops working.')) : null,
          h(
            'div',
            { class: 'row' },
            h('button', { type: 'button', class: 'danger confirm-revoke', onclick: (ev: Event) => void revoke(ev.currentTarget as HTMLButtonElement) }, L('确认吊销', 'Revoke')),
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
        d.id === me.deviceId ? h('span', { class: 'badge' }, L('本设备', 'This device')) : null,
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

  // ── The code, shown once ──────────────────────────────────────────────────────────────────

  /** One printed enrolment slip: name, role, the code, and its link as text and QR code. */
  function slip(p: PersonRef, role: Role, issued: EnrolmentCode, titleId?: string): HTMLElement {
    const page = role === 'secretary' ? 'secretary' : role === 'self' ? 'admin' : 'member';
    const link = `${linkTo}/#/${page}?code=${encodeURIComponent(issued.code)}`;
    const c = committee();
    const where = role === 'self' ? L('管理员', 'Administrator') : `${c?.name ?? ''} · ${role === 'secretary' ? L('秘书', 'Secretary') : L('委员', 'Member')}`;
    const groups = issued.code.split('-');
    return h(
      'article',
      { class: 'slip', 'data-person-id': p.personId },
      h('h2', titleId ? { id: titleId } : null, L('票决 · 设备登记单', 'Piaojue · device enrolment slip')),
      h('dl', { class: 'slip-meta' }, h('dt', null, L('姓名', 'Name')), h('dd', { class: 'slip-name' }, p.name), h('dt', null, L('身份', 'Role')), h('dd', null, where), h('dt', null, L('有效期至', 'Valid until')), h('dd', null, when(issued.expiresAt))),
      h(
        'div',
        { class: 'slip-code-box' },
        h('div', { class: 'slip-label' }, L('登记码', 'Enrolment code')),
        h(
          'output',
          { class: 'slip-code', 'data-code': issued.code },
          // One line where it fits, else three groups and two: never a lone group on a line.
          groups.flatMap((g, i) => (i === 0 ? [h('span', null, g)] : [h('span', { class: 'dash' }, '-'), i === 3 ? h('wbr') : null, h('span', null, g)])),
        ),
      ),
      h(
        'div',
        { class: 'slip-body' },
        h(
          'ol',
          { class: 'slip-steps' },
          h('li', null, L('用手机相机扫描二维码，或在浏览器中打开下面的地址。', 'Scan the QR code with the phone’s camera, or open the address below.')),
          h('li', null, L('确认登记码无误，点“登记本设备”。', 'Check the code and tap “Enrol this device”.')),
          h('li', null, L('登记码只能使用一次，请勿转交他人。', 'The code works once; do not pass it on.')),
        ),
        qrSvg(link, 'qr slip-qr'),
      ),
      h('p', { class: 'slip-link' }, h('code', null, link)),
    );
  }

  /** The codes, shown once in a modal sheet with a print button; closing forgets them. */
  function showSheet(slips: HTMLElement[], returnFocus: HTMLElement, options: { printLabel: string; titleId: string; batch?: boolean; extra?: HTMLElement | null }): void {
    const onKey = (ev: KeyboardEvent) => {
      if (ev.key === 'Escape') close();
    };
    const close = () => {
      document.removeEventListener('keydown', onKey);
      closeSlip = undefined;
      put(slipHost);
      returnFocus.focus();
    };
    closeSlip?.();
    closeSlip = close;
    const closeButton = h('button', { type: 'button', class: 'primary close-slip' }, L('我已记下，关闭', 'I have it — close'));
    closeButton.addEventListener('click', close);
    put(
      slipHost,
      h(
        'div',
        { class: 'code-overlay', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': options.titleId },
        h(
          'div',
          { class: `code-sheet ${options.batch ? 'slip-sheet' : ''}` },
          h('p', { class: 'notice warn once no-print', role: 'alert' }, h('strong', null, L('登记码只显示这一次。', 'Codes are shown only once.')), ' ', L('关闭后无法再次查看；请现在交给本人或打印。遗失时可重新发放。', 'They cannot be shown again after closing: hand them over or print them now. A lost code can be issued again.')),
          options.extra ?? null,
          slips,
          h('div', { class: 'row no-print' }, h('button', { type: 'button', class: 'print-slip', onclick: () => window.print() }, options.printLabel), closeButton),
        ),
      ),
    );
    document.addEventListener('keydown', onKey);
    // Focus without scrolling: the warning at the top must stay in view on a phone.
    closeButton.focus({ preventScroll: true });
  }

  function showSlip(p: PersonRef, role: Role, issued: EnrolmentCode, returnFocus: HTMLElement): void {
    showSheet([slip(p, role, issued, 'slip-title')], returnFocus, { printLabel: L('打印登记单', 'Print the slip'), titleId: 'slip-title' });
  }

  /**
   * Slips for every active member with no device in use, in one step: one code each (a new code
   * replaces an earlier one), one slip per printed page.
   */
  async function issueSheet(c: Committee, members: Member[], button: HTMLButtonElement, msg: HTMLElement): Promise<void> {
    button.disabled = true;
    put(msg, notice('info', L('正在发放登记码…', 'Issuing codes…')));
    try {
      const needy: Member[] = [];
      for (const m of members.filter((x) => x.active)) {
        const devices = (await session.get<{ devices: Device[] }>(`/v1/people/${m.memberId}/devices`)).devices;
        if (!devices.some((d) => d.revokedAt === null)) needy.push(m);
      }
      if (needy.length === 0) {
        put(msg, notice('ok', L('全体在任委员都已登记设备，无需发码。', 'Every active member has a device; no code needed.')));
        return;
      }
      const slips: HTMLElement[] = [];
      for (const m of needy) {
        const code = await session.post<EnrolmentCode>(`/v1/people/${m.memberId}/enrolment-codes`);
        issuedAt.set(m.memberId, new Date().toLocaleTimeString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit' }));
        slips.push(slip({ personId: m.memberId, name: m.name }, 'member', code));
      }
      put(msg, notice('ok', L(`已为 ${slips.length} 名委员发放登记码。`, `Codes issued for ${slips.length} member${slips.length > 1 ? 's' : ''}.`)));
      showSheet(slips, button, {
        printLabel: L(`打印全部 ${slips.length} 张登记单`, `Print all ${slips.length} slips`),
        titleId: 'sheet-title',
        batch: true,
        extra: h('h2', { id: 'sheet-title', class: 'no-print' }, L(`${c.name} · 委员设备登记单（${slips.length} 张）`, `${c.name} · enrolment slips (${slips.length})`)),
      });
    } catch (e) {
      put(msg, problem(e));
    } finally {
      button.disabled = false;
    }
  }

  void start();
  return () => {
    gone = true;
    closeSlip?.();
  };
}
