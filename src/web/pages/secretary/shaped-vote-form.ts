// The secretary's form for a 民主推荐 or 民主测评 vote (issue 15), in a meeting of participants
// holding slips. 民主推荐: the post, k (the most names a ballot may mark), the threshold (过半数,
// 三分之一以上 or another fraction) and the eligible list pasted one name a line, previewed in the
// committee's stroke order as the ballot will show it. 民主测评: what is evaluated, the grade
// list (优秀 / 称职 / 基本称职 / 不称职 unless changed) and the cadres, kept in the order given.
// The service's refusals are shown beside the field they name.
import { sortNames } from '../../../collation/index.ts';
import { RECOMMENDATION_MARKS_MAX } from '../../../protocol/limits.ts';
import type { Threshold } from '../../../protocol/shapes.ts';
import { ApiError, type Session } from '../../api.ts';
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import type { Committee, Meeting, Vote } from '../../types.ts';
import { errorText, notice } from '../../ui.ts';
import {
  candidateInput,
  DEFAULT_GRADE_TEXT,
  formField,
  isDefaultGrades,
  parseGradeList,
  parsePastedList,
  thresholdOf,
  type PastedList,
  type ThresholdPreset,
} from './shaped-input.ts';

type Shape = 'recommendation' | 'evaluation';

export function shapedVoteForm(session: Session, c: Committee, meeting: Meeting, onSaved: () => Promise<void>): HTMLElement {
  const id = (name: string) => `shaped-${name}-${meeting.id}`;
  /** One error slot per field, filled by the page's own checks or by the service's refusal. */
  const slots = new Map<string, HTMLElement>();
  const slot = (field: string) => {
    const el = h('div', { class: 'field-error', 'data-field': field, 'aria-live': 'polite' });
    slots.set(field, el);
    return el;
  };
  const input = (name: string, attrs: Record<string, string> = {}) => h('input', { id: id(name), name, ...attrs });
  const labelled = (name: string, zh: string, en: string, control: HTMLElement, field = name) =>
    h('div', { class: `field field-${name}` }, h('label', { for: control.id }, L(zh, en)), control, slot(field));

  const title = input('shaped-title', { placeholder: L('如：2026 年副科级领导职务民主推荐', 'e.g. 2026 nomination for deputy section posts') });
  const shapeBoxes = (['recommendation', 'evaluation'] as const).map((s) =>
    h('input', { type: 'radio', name: `shape-${meeting.id}`, value: s, checked: s === 'recommendation', onchange: () => showShape() }),
  );
  const shape = (): Shape => (shapeBoxes.find((b) => b.checked)?.value as Shape | undefined) ?? 'recommendation';

  // 民主推荐
  const post = input('post', { placeholder: L('如：县直单位副科级领导职务', 'e.g. Deputy section-level posts') });
  const maxMarks = input('maxMarks', { type: 'number', min: '1', max: String(RECOMMENDATION_MARKS_MAX), value: '1', inputmode: 'numeric' });
  const preset: HTMLSelectElement = h(
    'select',
    { id: id('threshold'), name: 'threshold', onchange: (): void => showCustom() },
    h('option', { value: 'half' }, L('过半数（超过 1/2）', 'More than half')),
    h('option', { value: 'third' }, L('三分之一以上（达到 1/3）', 'One third or more')),
    h('option', { value: 'custom' }, L('其他比例', 'Another fraction')),
  );
  const comparison = h(
    'select',
    { id: id('comparison'), name: 'comparison', 'aria-label': L('比较方式', 'Comparison') },
    h('option', { value: 'more_than' }, L('超过', 'more than')),
    h('option', { value: 'at_least' }, L('达到', 'at least')),
  );
  const num = input('threshold-num', { type: 'number', min: '1', value: '2', inputmode: 'numeric', 'aria-label': L('分子', 'Numerator') });
  const den = input('threshold-den', { type: 'number', min: '1', value: '3', inputmode: 'numeric', 'aria-label': L('分母', 'Denominator') });
  const custom = h(
    'div',
    { class: 'custom-threshold row', hidden: true },
    comparison,
    num,
    h('span', null, '/'),
    den,
    h('span', null, L('得票率', 'of valid ballots')),
  );
  const showCustom = (): void => {
    custom.hidden = preset.value !== 'custom';
  };
  const eligible = h('textarea', {
    id: id('eligible'),
    name: 'eligible',
    rows: '8',
    placeholder: L(
      '粘贴可推荐人选名单：每行一人；可在姓名后用制表符或逗号写上现任职务或单位',
      'Paste the eligible list: one person a line; a post or unit may follow the name after a tab or a comma',
    ),
  });
  const eligiblePreview = h('div', { class: 'preview eligible-preview', 'aria-live': 'polite' });
  const recommendation = h(
    'fieldset',
    { class: 'shape-fields recommendation-fields' },
    h('legend', null, L('民主推荐', 'Recommendation (民主推荐)')),
    labelled('post', '推荐职务（或职级）', 'Post (or rank) recommended for', post),
    labelled('maxMarks', '每票至多推荐人数', 'Most names a ballot may mark (k)', maxMarks),
    h('div', { class: 'field field-threshold' }, h('label', { for: preset.id }, L('得票门槛', 'Threshold')), preset, custom, slot('threshold')),
    labelled('eligible', '可推荐人选', 'Eligible list', eligible, 'candidates'),
    eligiblePreview,
  );

  // 民主测评
  const evalTitle = input('evaluation-title', { placeholder: L('如：2026 年度科级领导干部民主测评', 'e.g. 2026 evaluation of section-level cadres') });
  const grades = h('textarea', { id: id('grades'), name: 'grades', rows: '4', value: DEFAULT_GRADE_TEXT });
  const cadres = h('textarea', {
    id: id('cadres'),
    name: 'cadres',
    rows: '8',
    placeholder: L(
      '粘贴测评对象：每行一人，按本单位的顺序；可在姓名后用制表符或逗号写上职务',
      'Paste the cadres: one a line, in the unit’s order; a post may follow after a tab or a comma',
    ),
  });
  const cadrePreview = h('div', { class: 'preview cadre-preview', 'aria-live': 'polite' });
  const evaluation = h(
    'fieldset',
    { class: 'shape-fields evaluation-fields', hidden: true },
    h('legend', null, L('民主测评', 'Evaluation (民主测评)')),
    labelled('evaluation-title', '测评名称（印在选票上）', 'What is evaluated (heads the ballot)', evalTitle, 'title'),
    labelled('grades', '评价等次（每行一个，由好到差）', 'Grades (one a line, best first)', grades),
    labelled('cadres', '测评对象', 'Cadres', cadres, 'candidates-evaluation'),
    cadrePreview,
  );

  const msg = h('div');
  const showShape = () => {
    recommendation.hidden = shape() !== 'recommendation';
    evaluation.hidden = shape() !== 'evaluation';
    clearErrors();
  };
  const clearErrors = () => {
    for (const el of slots.values()) put(el);
    put(msg);
  };
  const fieldError = (field: string, text: string) => {
    // The list's refusal lands by the list of the shape on show.
    const key = field === 'candidates' && shape() === 'evaluation' ? 'candidates-evaluation' : field;
    const el = slots.get(key);
    if (el) put(el, notice('error', text));
    else put(msg, notice('error', text));
  };

  eligible.addEventListener('input', () => showEligible(eligiblePreview, parsePastedList(eligible.value), c));
  cadres.addEventListener('input', () => showCadres(cadrePreview, parsePastedList(cadres.value)));
  showEligible(eligiblePreview, parsePastedList(eligible.value), c);
  showCadres(cadrePreview, parsePastedList(cadres.value));

  /** The request body, or null after showing what the page itself finds wrong. */
  const body = (): unknown => {
    clearErrors();
    let ok = true;
    const fail = (field: string, zh: string, en: string) => {
      fieldError(field, L(zh, en));
      ok = false;
    };
    if (!title.value.trim()) fail('vote.title', '请填写投票名称。', 'Give the vote a title.');
    if (shape() === 'recommendation') {
      const list = parsePastedList(eligible.value);
      listProblems(list, fail);
      if (!post.value.trim()) fail('post', '请填写推荐的职务或职级。', 'Name the post or rank.');
      const k = Number(maxMarks.value);
      if (!Number.isInteger(k) || k < 1) fail('maxMarks', '每票至多推荐人数须为正整数。', 'k must be a whole number from 1.');
      else if (list.names.length > 0 && k > list.names.length)
        fail('maxMarks', `每票至多推荐人数不得超过人选数（${list.names.length}）。`, `k must not exceed the number of names (${list.names.length}).`);
      const threshold: Threshold | null = thresholdOf(preset.value as ThresholdPreset, {
        comparison: comparison.value as Threshold['comparison'],
        num: num.value,
        den: den.value,
      });
      if (!threshold)
        fail('threshold', '门槛须为不大于 1 的分数（分子、分母均为正整数）。', 'The threshold must be a fraction no more than 1, in whole numbers.');
      if (!ok || !threshold) return null;
      return {
        title: title.value.trim(),
        items: [{ shape: 'recommendation', post: post.value.trim(), maxMarks: k, threshold, candidates: list.names.map(candidateInput) }],
      };
    }
    const list = parsePastedList(cadres.value);
    listProblems(list, (_field, zh, en) => fail('candidates-evaluation', zh, en));
    if (!evalTitle.value.trim()) fail('title', '请填写测评名称。', 'Say what is evaluated.');
    const g = parseGradeList(grades.value);
    if (!g.ok)
      fail(
        'grades',
        g.problem === 'count' ? '评价等次须为 3 至 6 个，每行一个。' : '评价等次不得重复。',
        g.problem === 'count' ? 'Give 3 to 6 grades, one a line.' : 'The grades must differ.',
      );
    if (!ok || !g.ok) return null;
    return {
      title: title.value.trim(),
      items: [
        {
          shape: 'evaluation',
          title: evalTitle.value.trim(),
          ...(isDefaultGrades(g.grades) ? {} : { grades: g.grades }),
          candidates: list.names.map(candidateInput),
        },
      ],
    };
  };

  return h(
    'section',
    { class: 'card new-shaped-vote' },
    h('h3', null, L('新建民主推荐 / 民主测评', 'New recommendation or evaluation')),
    labelled('shaped-title', '投票名称', 'Vote title', title, 'vote.title'),
    h(
      'fieldset',
      { class: 'shape-choice' },
      h('legend', null, L('类型', 'Kind')),
      h('label', { class: 'check' }, shapeBoxes[0], L('民主推荐（从名单中推荐至多 k 人）', 'Recommendation (mark up to k names)')),
      h('label', { class: 'check' }, shapeBoxes[1], L('民主测评（逐人评价等次）', 'Evaluation (a grade for each cadre)')),
    ),
    recommendation,
    evaluation,
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          type: 'button',
          class: 'primary save-shaped-vote',
          onclick: async () => {
            const b = body();
            if (b === null) return;
            try {
              await session.post<Vote>(`/v1/meetings/${meeting.id}/votes`, b);
              await onSaved();
            } catch (e) {
              const field = e instanceof ApiError ? formField(e.field) : undefined;
              if (field) fieldError(field, errorText(e));
              else put(msg, notice('error', errorText(e)));
            }
          },
        },
        L('保存投票', 'Save vote'),
      ),
    ),
    msg,
  );
}

function listProblems(list: PastedList, fail: (field: string, zh: string, en: string) => void): void {
  if (list.badLines.length > 0)
    fail(
      'candidates',
      `第 ${list.badLines.join('、')} 行不是一个姓名：每行一人，职务或单位用制表符或逗号隔开。`,
      `Line ${list.badLines.join(', ')}: not one name. One person a line; put a post or unit after a tab or a comma.`,
    );
  else if (list.names.length === 0) fail('candidates', '请粘贴名单。', 'Paste the list.');
  else if (list.duplicates.length > 0) fail('candidates', `名单中有重复的姓名：${list.duplicates.join('、')}`, `Listed twice: ${list.duplicates.join(', ')}`);
}

/** The eligible list as the ballot will show it: in the committee's stroke order. */
function showEligible(el: HTMLElement, list: PastedList, c: Committee): void {
  if (list.names.length === 0) {
    put(el, h('p', { class: 'hint' }, L('粘贴名单后，此处按姓氏笔画顺序预览。', 'Paste the list to preview it in stroke order here.')));
    return;
  }
  const sorted = sortNames(
    list.names.map((n) => n.name),
    c.rules.collation,
  );
  const posts = new Map(list.names.map((n) => [n.name, n.post]));
  put(
    el,
    h(
      'p',
      { class: 'hint' },
      L(`共 ${list.names.length} 人，按姓氏笔画排列（选票上的顺序）`, `${list.names.length} names, in stroke order (as on the ballot)`),
    ),
    h(
      'ol',
      { class: 'sorted-names' },
      sorted.names.map((n) => nameRow(n, posts.get(n))),
    ),
    sorted.unknownCharacters.length > 0
      ? notice(
          'warn',
          L(
            `以下字无笔顺数据，按总笔画排列：${sorted.unknownCharacters.join(' ')}`,
            `No stroke data for: ${sorted.unknownCharacters.join(' ')} (placed by stroke count)`,
          ),
        )
      : null,
  );
}

/** The cadres as given (an evaluation keeps the unit's order). */
function showCadres(el: HTMLElement, list: PastedList): void {
  if (list.names.length === 0) {
    put(el, h('p', { class: 'hint' }, L('粘贴名单后，此处按所给顺序预览。', 'Paste the list to preview it here, in the order given.')));
    return;
  }
  put(
    el,
    h('p', { class: 'hint' }, L(`共 ${list.names.length} 人，按所给顺序`, `${list.names.length} cadres, in the order given`)),
    h(
      'ol',
      { class: 'sorted-names' },
      list.names.map((n) => nameRow(n.name, n.post)),
    ),
  );
}

function nameRow(name: string, post: string | undefined): HTMLElement {
  return h('li', { 'data-candidate': name }, name, post ? h('span', { class: 'posts' }, ` ${post}`) : null);
}
