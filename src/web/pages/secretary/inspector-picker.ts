// 监票人 on the secretary's page, for both kinds of meeting: the current inspectors, a checkbox
// per member who may be designated, a count of the ticked ones, and the button that designates
// them. What designating means differs (a members' meeting designates among those recorded
// present; a meeting of participants records its inspectors present first), so it is passed in.
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import { errorText, notice } from '../../ui.ts';
import { inRosterOrder } from './vote-parts.ts';

export interface InspectorPicker {
  /** 本次会议监票人：… or, before any, `none`. */
  current: HTMLElement;
  list: HTMLElement;
  count: HTMLElement;
  button: HTMLElement;
  msg: HTMLElement;
}

export function inspectorPicker(o: {
  /** Every member's name, in the roster's order (for showing the current inspectors). */
  names: Map<string, string>;
  /** The members who may be ticked. */
  eligible: readonly { memberId: string; name: string }[];
  inspectors: readonly string[];
  closed: boolean;
  /** What to say while there are none. */
  none: string;
  designate: (chosen: string[]) => Promise<void>;
}): InspectorPicker {
  const msg = h('div');
  const boxes = new Map<string, HTMLInputElement>();
  const count = h('p', { class: 'inspector-count', 'aria-live': 'polite' });
  const update = () => {
    const n = [...boxes.values()].filter((b) => b.checked).length;
    put(count, L(`已勾选 ${n} 人`, `${n} ticked`), n > 0 && n !== 2 ? h('span', { class: 'hint' }, L('（通常为两名）', ' (usually two)')) : null);
  };
  const list = h(
    'ul',
    { class: 'inspector-list' },
    o.eligible.map((m) => {
      const box = h('input', { type: 'checkbox', value: m.memberId, checked: o.inspectors.includes(m.memberId), disabled: o.closed, onchange: update });
      boxes.set(m.memberId, box);
      return h('li', null, h('label', { class: 'check' }, box, h('span', null, m.name)));
    }),
  );
  update();
  const shown = inRosterOrder([...o.inspectors], o.names).map((id) => o.names.get(id) ?? id);
  const current = h(
    'p',
    { class: `current-inspectors ${shown.length > 0 ? '' : 'none'}` },
    shown.length > 0 ? [L('本次会议监票人：', 'Inspectors of this meeting: '), h('strong', { class: 'inspector-names' }, shown.join(L('、', ', ')))] : o.none,
  );
  const button = h(
    'button',
    {
      type: 'button',
      class: 'primary designate-inspectors',
      onclick: async () => {
        const chosen = [...boxes.entries()].filter(([, b]) => b.checked).map(([id]) => id);
        if (chosen.length === 0) {
          put(msg, notice('error', L('请至少勾选一名监票人。', 'Tick at least one inspector.')));
          return;
        }
        try {
          await o.designate(chosen);
        } catch (e) {
          put(msg, notice('error', errorText(e)));
        }
      },
    },
    o.inspectors.length > 0 ? L('重新指定监票人', 'Designate again') : L('指定监票人', 'Designate inspectors'),
  );
  return { current, list, count, button, msg };
}
