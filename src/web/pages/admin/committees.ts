// The committee and its rules on the administrator's page: the summary of a committee's rules,
// and the form that creates a committee (its rules fixed from then on; who may read its record
// can change later).
import { quorumRequired, type Mark } from '../../../protocol/ballot.ts';
import type { Session } from '../../api.ts';
import { h, put } from '../../dom.ts';
import { L, markLabel } from '../../i18n.ts';
import type { Committee } from '../../types.ts';
import { notice } from '../../ui.ts';
import { kindName, problem } from './context.ts';

const OPTIONAL_MARKS: Mark[] = ['abstain', 'defer'];

export function summary(c: Committee): HTMLElement {
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
      item(
        L('法定人数', 'Quorum'),
        L(`应到的 ${r.quorum.num}/${r.quorum.den}（目前至少 ${required} 人）`, `${r.quorum.num}/${r.quorum.den} of entitled (now at least ${required})`),
      ),
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

export function createForm(session: Session, how: { first: boolean; onCreated(c: Committee): Promise<void>; onCancel?: () => void }): HTMLElement {
  const name = h('input', {
    id: 'committee-name',
    name: 'committee-name',
    required: true,
    maxlength: 128,
    placeholder: L('如：某县委常委会', 'e.g. County standing committee'),
  });
  const kind = h(
    'select',
    { id: 'committee-kind', name: 'kind' },
    (['standing', 'full', 'other'] as const).map((k) => h('option', { value: k, selected: k === 'standing' }, kindName(k))),
  );
  const num = h('input', {
    type: 'number',
    name: 'quorum-num',
    min: 1,
    max: 100,
    value: '2',
    inputmode: 'numeric',
    'aria-label': L('法定人数分子', 'Quorum numerator'),
  });
  const den = h('input', {
    type: 'number',
    name: 'quorum-den',
    min: 1,
    max: 100,
    value: '3',
    inputmode: 'numeric',
    'aria-label': L('法定人数分母', 'Quorum denominator'),
  });
  const ratio = h('input', { type: 'number', id: 'min-ratio', name: 'min-ratio', min: 1, max: 10, step: 0.1, value: '1.5', inputmode: 'decimal' });
  const radio = (group: string, value: string, label: string, checked: boolean) =>
    h('label', { class: 'check' }, h('input', { type: 'radio', name: group, value, checked }), h('span', null, label));
  const markBox = (mark: Mark, fixed: boolean, checked: boolean) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'marks', value: mark, checked, disabled: fixed }),
      h('span', null, markLabel(mark), fixed ? h('small', { class: 'fixed' }, L('（必选）', ' (always)')) : null),
    );
  const msg = h('div');
  const button = h('button', { type: 'submit', class: 'primary big create-committee' }, L('新建委员会', 'Create committee'));
  const form = h(
    'form',
    {
      class: 'card new-committee',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        const get = (n: string) => form.querySelector<HTMLInputElement>(`input[name="${n}"]:checked`)?.value;
        const marks: Mark[] = [
          'approve',
          'disapprove',
          ...OPTIONAL_MARKS.filter((m) => form.querySelector<HTMLInputElement>(`input[name=marks][value=${m}]`)!.checked),
        ];
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
          await how.onCreated(created);
        } catch (e) {
          put(msg, problem(e));
          button.disabled = false;
        }
      },
    },
    h('h2', null, L('新建委员会', 'New committee')),
    how.first
      ? h(
          'p',
          { class: 'hint' },
          L(
            '第一步：建立委员会并确定表决规则（默认值即县委常委会的通常做法）。',
            'First step: create the committee and its voting rules (the defaults are the usual county standing-committee rules).',
          ),
        )
      : null,
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
      h(
        'div',
        { class: 'choices' },
        radio('majority-base', 'entitled', L('应到人数', 'entitled members'), true),
        radio('majority-base', 'present', L('实到人数', 'members present'), false),
      ),
    ),
    h('label', { for: 'min-ratio' }, L('差额比例（候选人数 ≥ 应选人数 × 比例）', 'Candidate ratio (candidates ≥ seats × ratio)')),
    ratio,
    h(
      'fieldset',
      { class: 'rule-field' },
      h('legend', null, L('票面选项', 'Marks on the ballot')),
      h(
        'div',
        { class: 'choices' },
        markBox('approve', true, true),
        markBox('disapprove', true, true),
        markBox('abstain', false, true),
        markBox('defer', false, false),
      ),
    ),
    h(
      'fieldset',
      { class: 'rule-field' },
      h('legend', null, L('候选人排序', 'Candidate order')),
      h(
        'div',
        { class: 'choices' },
        radio('collation', 'surname', L('姓氏笔画', 'Surname strokes'), true),
        radio('collation', 'fullname', L('姓名笔画', 'Full-name strokes'), false),
      ),
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
    how.onCancel
      ? h(
          'button',
          {
            type: 'button',
            class: 'quiet',
            onclick: how.onCancel,
          },
          L('取消', 'Cancel'),
        )
      : null,
    msg,
  );
  return form;
}
