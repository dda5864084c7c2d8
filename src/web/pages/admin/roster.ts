// A committee's people on the administrator's page: its members (a pasted list, one name per
// line, added one by one with progress; enrolment slips for every member without a device) and
// its secretaries.
import { parseNameList } from '../../../collation/name-list.ts';
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import type { Committee, Member, PersonRef } from '../../types.ts';
import { notice } from '../../ui.ts';
import { problem, type AdminContext } from './context.ts';
import { personRow } from './people.ts';
import { issueSheet } from './slips.ts';

export function membersSection(ctx: AdminContext, c: Committee, members: Member[], flash: HTMLElement[]): HTMLElement {
  const ta = h('textarea', {
    id: 'member-names',
    name: 'member-names',
    rows: 6,
    placeholder: L('每行一个姓名，例如：\n王一\n李二\n张三', 'One name per line, e.g.\nWang Yi\nLi Er'),
  });
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
            await ctx.session.post<Member>(`/v1/committees/${c.id}/members`, { name: n });
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
        if (skipped.length > 0)
          els.push(notice('warn', L(`已在名单中，未重复添加：${skipped.join('、')}`, `Already on the roster, not added again: ${skipped.join(', ')}`)));
        if (failure) {
          els.push(problem(failure));
          els.push(notice('warn', L(`以下 ${left.length} 人未添加，仍保留在输入框中：${left.join('、')}`, `Not added (still in the box): ${left.join(', ')}`)));
        }
        await ctx.refreshCommittee();
        await ctx.showPanel({ where: 'members', els });
        const box = ctx.panel.querySelector<HTMLTextAreaElement>('#member-names');
        if (box && left.length > 0) {
          box.value = left.join('\n');
          box.dispatchEvent(new Event('input'));
        }
      },
    },
    h('h3', null, L('添加委员', 'Add members')),
    h('label', { for: 'member-names' }, L('粘贴姓名，每行一个', 'Paste names, one per line'), ' ', count),
    ta,
    h(
      'p',
      { class: 'hint' },
      L(
        '每个姓名新建一名委员（有表决权、在任）。首尾空格会去掉，空行会跳过。',
        'Each name becomes a new member (voting, active). Spaces around names are trimmed; blank lines are skipped.',
      ),
    ),
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
            ctx.showMine();
            void ctx.showPanel();
          },
        },
        L('刷新', 'Refresh'),
      ),
    ),
    members.length === 0
      ? h('p', { class: 'hint' }, L('还没有委员。在下面粘贴名单即可批量添加。', 'No member yet. Paste the roster below to add them all.'))
      : h(
          'ul',
          { class: 'people' },
          members.map((m) => personRow(ctx, { personId: m.memberId, name: m.name }, 'member', m)),
        ),
    members.length === 0 ? null : sheetControls(ctx, c, members),
    flash,
    form,
  );
}

function sheetControls(ctx: AdminContext, c: Committee, members: Member[]): HTMLElement {
  const msg = h('div', { class: 'sheet-msg' });
  const button = h('button', { type: 'button', class: 'issue-sheet' }, L('为未登记设备的委员发码并打印', 'Codes and slips for members without a device'));
  button.addEventListener('click', () => void issueSheet(ctx, c, members, button, msg));
  return h('div', { class: 'sheet-controls' }, h('div', { class: 'row' }, button), msg);
}

export function secretariesSection(ctx: AdminContext, c: Committee, secretaries: PersonRef[], flash: HTMLElement[]): HTMLElement {
  const input = h('input', { id: 'secretary-name', name: 'secretary-name', maxlength: 64, placeholder: L('秘书姓名', 'Secretary’s name') });
  const msg = h('div');
  const button = h('button', { type: 'submit', class: 'primary appoint-secretary' }, L('指定秘书', 'Appoint'));
  return h(
    'section',
    { class: 'card secretaries-admin' },
    h('h2', null, L('秘书', 'Secretaries')),
    h(
      'p',
      { class: 'hint' },
      L(
        '秘书负责开会、登记到会、发起和结束表决；秘书本人不参加投票。',
        'The secretary opens meetings, records attendance and opens and closes votes; the secretary does not vote.',
      ),
    ),
    secretaries.length === 0
      ? h('p', { class: 'hint' }, L('尚未指定秘书。', 'No secretary yet.'))
      : h(
          'ul',
          { class: 'people' },
          secretaries.map((s) => personRow(ctx, s, 'secretary')),
        ),
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
            await ctx.session.post<PersonRef>(`/v1/committees/${c.id}/secretaries`, { name });
            await ctx.showPanel({
              where: 'secretaries',
              els: [notice('ok', L(`已指定秘书：${name}。请为其发放登记码。`, `${name} appointed; issue them an enrolment code.`))],
            });
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
