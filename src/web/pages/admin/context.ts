// What the parts of the administrator's page share: the signed-in session, the committee chosen,
// where slips send phones, and the page's redraws; plus the page's wording of a refusal.
import { ApiError, type Me, type Session } from '../../api.ts';
import { h } from '../../dom.ts';
import { currentLang, L } from '../../i18n.ts';
import type { Committee } from '../../types.ts';
import { errorText, notice } from '../../ui.ts';
import type { SheetHost } from './slips.ts';

/** Whose row a person row is: a committee member, a secretary, or the administrator's own. */
export type Role = 'member' | 'secretary' | 'self';

/** Notices shown under a section after it is redrawn (members added, a secretary appointed…). */
export interface Flash {
  where: 'members' | 'secretaries';
  els: HTMLElement[];
}

export interface AdminContext {
  readonly session: Session;
  readonly me: Me;
  /** The committee chosen in the list, if any. */
  committee(): Committee | undefined;
  /** Where slips and QR codes send phones (see site.ts). */
  linkTo(): string;
  /** Codes issued from this page since it was opened, by person: when (the codes themselves are not kept). */
  readonly issuedAt: Map<string, string>;
  /** The modal sheet the codes are shown in, once. */
  readonly sheet: SheetHost;
  /** The committee panel: redrawn after a change, with notices to show. */
  readonly panel: HTMLElement;
  showPanel(flash?: Flash): Promise<void>;
  /** The administrator's own devices card. */
  showMine(): void;
  /** Re-reads the chosen committee (its entitled count moves with the roster). */
  refreshCommittee(): Promise<void>;
}

export function kindName(kind: string): string {
  if (kind === 'standing') return L('常委会', 'Standing committee');
  if (kind === 'full') return L('全委会', 'Full committee');
  return L('其他', 'Other');
}

export function when(iso: string): string {
  return new Date(iso).toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** The hour and minute a code was issued, for the person's badge. */
export function issuedTime(): string {
  return new Date().toLocaleTimeString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** The API's own words, with a plain explanation first for the refusals an administrator meets. */
export function problem(e: unknown): HTMLElement {
  if (e instanceof ApiError && e.code === 'invalid_state') {
    return h(
      'div',
      { class: 'notice error', role: 'alert' },
      h(
        'strong',
        null,
        L(
          '有表决尚未结束，委员名单暂不能变动。请在该委员会的表决全部结束后再修改。',
          'A vote of this committee is not closed yet, so the roster cannot change. Try again once every vote is closed.',
        ),
      ),
      h('br'),
      h('small', null, errorText(e)),
    );
  }
  return notice('error', errorText(e));
}
