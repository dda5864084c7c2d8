// Enrolment codes on paper: one printed slip per person (name, role, the code, its link as text
// and QR code), shown once in a modal sheet; and, in one step, slips for every active member
// who has no device in use.
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import { qrSvg } from '../../qr.ts';
import type { Committee, Device, EnrolmentCode, Member, PersonRef } from '../../types.ts';
import { notice } from '../../ui.ts';
import { issuedTime, problem, when, type AdminContext, type Role } from './context.ts';

/** One printed enrolment slip: name, role, the code, and its link as text and QR code. */
function slip(ctx: AdminContext, p: PersonRef, role: Role, issued: EnrolmentCode, titleId?: string): HTMLElement {
  const page = role === 'secretary' ? 'secretary' : role === 'self' ? 'admin' : 'member';
  const link = `${ctx.linkTo()}/#/${page}?code=${encodeURIComponent(issued.code)}`;
  const c = ctx.committee();
  const where = role === 'self' ? L('管理员', 'Administrator') : `${c?.name ?? ''} · ${role === 'secretary' ? L('秘书', 'Secretary') : L('委员', 'Member')}`;
  const groups = issued.code.split('-');
  return h(
    'article',
    { class: 'slip', 'data-person-id': p.personId },
    h('h2', titleId ? { id: titleId } : null, L('票决 · 设备登记单', 'Piaojue · device enrolment slip')),
    h(
      'dl',
      { class: 'slip-meta' },
      h('dt', null, L('姓名', 'Name')),
      h('dd', { class: 'slip-name' }, p.name),
      h('dt', null, L('身份', 'Role')),
      h('dd', null, where),
      h('dt', null, L('有效期至', 'Valid until')),
      h('dd', null, when(issued.expiresAt)),
    ),
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

/** Where the codes are shown, once, in a modal sheet with a print button; closing forgets them. */
export interface SheetHost {
  show(slips: HTMLElement[], returnFocus: HTMLElement, options: { printLabel: string; titleId: string; batch?: boolean; extra?: HTMLElement | null }): void;
  /** Closes the sheet, if one is open (the page is left). */
  close(): void;
}

export function sheetHost(host: HTMLElement): SheetHost {
  let current: (() => void) | undefined;
  return {
    show(slips, returnFocus, options) {
      const onKey = (ev: KeyboardEvent) => {
        if (ev.key === 'Escape') close();
      };
      const close = () => {
        document.removeEventListener('keydown', onKey);
        current = undefined;
        put(host);
        returnFocus.focus();
      };
      current?.();
      current = close;
      const closeButton = h('button', { type: 'button', class: 'primary close-slip' }, L('我已记下，关闭', 'I have it — close'));
      closeButton.addEventListener('click', close);
      put(
        host,
        h(
          'div',
          { class: 'code-overlay', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': options.titleId },
          h(
            'div',
            { class: `code-sheet ${options.batch ? 'slip-sheet' : ''}` },
            h(
              'p',
              { class: 'notice warn once no-print', role: 'alert' },
              h('strong', null, L('登记码只显示这一次。', 'Codes are shown only once.')),
              ' ',
              L(
                '关闭后无法再次查看；请现在交给本人或打印。遗失时可重新发放。',
                'They cannot be shown again after closing: hand them over or print them now. A lost code can be issued again.',
              ),
            ),
            options.extra ?? null,
            slips,
            h(
              'div',
              { class: 'row no-print' },
              h('button', { type: 'button', class: 'print-slip', onclick: () => window.print() }, options.printLabel),
              closeButton,
            ),
          ),
        ),
      );
      document.addEventListener('keydown', onKey);
      // Focus without scrolling: the warning at the top must stay in view on a phone.
      closeButton.focus({ preventScroll: true });
    },
    close: () => current?.(),
  };
}

export function showSlip(ctx: AdminContext, p: PersonRef, role: Role, issued: EnrolmentCode, returnFocus: HTMLElement): void {
  ctx.sheet.show([slip(ctx, p, role, issued, 'slip-title')], returnFocus, { printLabel: L('打印登记单', 'Print the slip'), titleId: 'slip-title' });
}

/**
 * Slips for every active member with no device in use, in one step: one code each (a new code
 * replaces an earlier one), one slip per printed page.
 */
export async function issueSheet(ctx: AdminContext, c: Committee, members: Member[], button: HTMLButtonElement, msg: HTMLElement): Promise<void> {
  button.disabled = true;
  put(msg, notice('info', L('正在发放登记码…', 'Issuing codes…')));
  try {
    const needy: Member[] = [];
    for (const m of members.filter((x) => x.active)) {
      const devices = (await ctx.session.get<{ devices: Device[] }>(`/v1/people/${m.memberId}/devices`)).devices;
      if (!devices.some((d) => d.revokedAt === null)) needy.push(m);
    }
    if (needy.length === 0) {
      put(msg, notice('ok', L('全体在任委员都已登记设备，无需发码。', 'Every active member has a device; no code needed.')));
      return;
    }
    const slips: HTMLElement[] = [];
    for (const m of needy) {
      const code = await ctx.session.post<EnrolmentCode>(`/v1/people/${m.memberId}/enrolment-codes`);
      ctx.issuedAt.set(m.memberId, issuedTime());
      slips.push(slip(ctx, { personId: m.memberId, name: m.name }, 'member', code));
    }
    put(msg, notice('ok', L(`已为 ${slips.length} 名委员发放登记码。`, `Codes issued for ${slips.length} member${slips.length > 1 ? 's' : ''}.`)));
    ctx.sheet.show(slips, button, {
      printLabel: L(`打印全部 ${slips.length} 张登记单`, `Print all ${slips.length} slips`),
      titleId: 'sheet-title',
      batch: true,
      extra: h(
        'h2',
        { id: 'sheet-title', class: 'no-print' },
        L(`${c.name} · 委员设备登记单（${slips.length} 张）`, `${c.name} · enrolment slips (${slips.length})`),
      ),
    });
  } catch (e) {
    put(msg, problem(e));
  } finally {
    button.disabled = false;
  }
}
