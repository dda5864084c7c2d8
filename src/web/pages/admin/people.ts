// One person on the administrator's page: badges (inactive, no vote, code issued, devices in
// use), the member's voting right and activity, a new enrolment code, removing a secretary, and
// the person's devices.
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import type { Device, EnrolmentCode, Member, PersonRef } from '../../types.ts';
import { notice } from '../../ui.ts';
import { issuedTime, problem, type AdminContext, type Role } from './context.ts';
import { showDevices } from './devices.ts';
import { showSlip } from './slips.ts';

export function personRow(ctx: AdminContext, p: PersonRef, role: Role, member?: Member): HTMLElement {
  const msg = h('div', { class: 'person-msg' });
  const devices = h('div', { class: 'devices', hidden: true });
  const badges = h('span', { class: 'person-badges' });
  const enrolled = h('span', { class: 'person-badges enrolled' });
  const showBadges = (m?: Member) => {
    const issued = ctx.issuedAt.get(p.personId);
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
  void ctx.session.get<{ devices: Device[] }>(`/v1/people/${p.personId}/devices`).then(
    (r) => showEnrolled(r.devices),
    () => {},
  );
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
          const updated = await ctx.session.patch<Member>(`/v1/committees/${ctx.committee()?.id}/members/${p.personId}`, { [field]: want });
          Object.assign(member!, updated);
          box.checked = updated[field];
          showBadges(member);
          put(msg, notice('ok', L(`已保存：${p.name} ${label}${want ? '' : '（已取消）'}`, `Saved: ${p.name}, ${label} ${want ? 'on' : 'off'}`)));
          await ctx.refreshCommittee();
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
      const code = await ctx.session.post<EnrolmentCode>(`/v1/people/${p.personId}/enrolment-codes`);
      ctx.issuedAt.set(p.personId, issuedTime());
      showBadges(member);
      showSlip(ctx, p, role, code, codeButton);
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
      ? h(
          'button',
          {
            type: 'button',
            class: 'danger remove-secretary',
            onclick: async (ev: Event) => {
              const button = ev.currentTarget as HTMLButtonElement;
              if (!confirm(L(`免去${p.name}的秘书职务？此操作记入公开记录。`, `Remove ${p.name} as secretary? This is written to the public record.`))) return;
              button.disabled = true;
              try {
                await ctx.session.delete(`/v1/committees/${ctx.committee()?.id}/secretaries/${p.personId}`);
                await ctx.showPanel({ where: 'secretaries', els: [notice('ok', L(`已免去${p.name}的秘书职务。`, `${p.name} is no longer a secretary.`))] });
              } catch (e) {
                put(msg, problem(e));
                button.disabled = false;
              }
            },
          },
          L('免去', 'Remove'),
        )
      : null;
  const devicesButton = h('button', { type: 'button', class: 'show-devices', 'aria-expanded': 'false' }, L('设备', 'Devices'));
  devicesButton.addEventListener('click', () => {
    const open = devices.hidden;
    devices.hidden = !open;
    devicesButton.setAttribute('aria-expanded', String(open));
    devicesButton.classList.toggle('current', open);
    if (open) void showDevices(ctx, devices, p, undefined, showEnrolled);
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
