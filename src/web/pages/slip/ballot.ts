// The participant's ballots on a phone (issue 15): 民主推荐 — a long eligible list with a
// search as you type, marked names always shown, the count against k, and a warning that more
// than k makes the ballot 无效 (allowed, as on paper); 民主测评 — one grade per cadre, the count
// graded, and a warning that the ungraded count as 弃权. Both are shown back for review before
// anything is cast. Native checkboxes and radios with their labels: one tap target per line.
//
// The form is built once per vote and updated in place as marks change (the page does not
// rebuild it under the participant's fingers, so the search field keeps its text and focus).
import type { AnyChoices, Candidate } from '../../../protocol/ballot.ts';
import { ABSTAIN, RECOMMEND, type EvaluationItem, type RecommendationItem, type ShapedItem } from '../../../protocol/shapes.ts';
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import { evaluationCount, filterCandidates, recommendationCount } from '../../slip-flow.ts';

/** What the ballot needs from the page. */
export interface SlipBallotWiring {
  /** The marks as kept on the device. */
  cells(): Record<string, string> | undefined;
  setCell(candidateId: string, cell: string | undefined): void;
  /** The search text, kept by the page across rebuilds. */
  query: { get(): string; set(q: string): void };
  /** 投出选票 pressed: show the review. */
  review(): void;
}

const posts = (c: Candidate) => [c.currentPost, c.proposedPost].filter((p): p is string => p !== undefined).join(' · ');

/** 民主推荐: mark at most k names. */
export function recommendationBallot(voteId: string, item: RecommendationItem, at: SlipBallotWiring): HTMLElement {
  const count = h('p', { class: 'mark-count', 'aria-live': 'polite' });
  const chosen = h('p', { class: 'marked-names' });
  const over = h('p', { class: 'notice warn over-warning', role: 'alert', hidden: true });
  const shown = h('p', { class: 'filter-count hint', 'aria-live': 'polite' });
  const rows = new Map<string, HTMLLIElement>();
  const boxes = new Map<string, HTMLInputElement>();
  const list = h(
    'ul',
    { class: 'names', 'aria-label': L('候选人名单', 'Eligible names') },
    item.candidates.map((c) => {
      const box = h('input', {
        type: 'checkbox',
        id: `n-${voteId}-${c.candidateId}`,
        'data-candidate-id': c.candidateId,
        onchange: () => {
          at.setCell(c.candidateId, box.checked ? RECOMMEND : undefined);
          update();
        },
      });
      boxes.set(c.candidateId, box);
      const li = h(
        'li',
        { class: 'name-row', 'data-candidate': c.name },
        h('label', { class: 'name-option', for: box.id }, box, h('span', { class: 'name' }, c.name), posts(c) ? h('span', { class: 'posts' }, posts(c)) : null),
      );
      rows.set(c.candidateId, li);
      return li;
    }),
  );
  const search = h('input', {
    type: 'search',
    id: `search-${voteId}`,
    class: 'name-search',
    autocomplete: 'off',
    value: at.query.get(),
    placeholder: L('输入姓名中的字', 'Type part of a name'),
    oninput: () => {
      at.query.set(search.value);
      update();
    },
  });

  function update(): void {
    const cells = at.cells();
    const n = recommendationCount(item, cells);
    count.textContent = L(`已推荐 ${n.marked} / ${n.max}`, `Marked ${n.marked} / ${n.max}`);
    count.dataset.marked = String(n.marked);
    count.dataset.max = String(n.max);
    count.classList.toggle('over', n.over);
    const names = item.candidates.filter((c) => cells?.[c.candidateId] === RECOMMEND).map((c) => c.name);
    chosen.textContent = names.length > 0 ? L(`已推荐：${names.join('、')}`, `Marked: ${names.join(', ')}`) : L('尚未推荐任何人。', 'No name marked yet.');
    over.hidden = !n.over;
    over.textContent = n.over
      ? L(
          `已推荐 ${n.marked} 人，超过每票至多 ${n.max} 人：这样投出，整张选票为无效票。`,
          `${n.marked} names marked, more than the ${n.max} allowed: cast like this, the whole ballot is invalid (无效).`,
        )
      : '';
    const visible = new Set(filterCandidates(item.candidates, search.value, cells).map((c) => c.candidateId));
    for (const c of item.candidates) {
      const marked = cells?.[c.candidateId] === RECOMMEND;
      boxes.get(c.candidateId)!.checked = marked;
      const li = rows.get(c.candidateId)!;
      li.hidden = !visible.has(c.candidateId);
      li.classList.toggle('marked', marked);
    }
    shown.textContent =
      search.value.trim() === ''
        ? L(`共 ${item.candidates.length} 人`, `${item.candidates.length} names`)
        : L(
            `显示 ${visible.size} / ${item.candidates.length} 人（已推荐的始终显示）`,
            `Showing ${visible.size} of ${item.candidates.length} (marked names always shown)`,
          );
  }

  const el = h(
    'div',
    { class: 'slip-ballot recommendation', 'data-item-id': item.itemId },
    h('h3', null, item.post),
    h(
      'p',
      { class: 'rule' },
      L(
        `请从下列名单中推荐，每票至多推荐 ${item.maxMarks} 人；超过 ${item.maxMarks} 人，整张选票无效。`,
        `Mark at most ${item.maxMarks} name${item.maxMarks > 1 ? 's' : ''} from the list; more than ${item.maxMarks} makes the whole ballot invalid.`,
      ),
    ),
    h('label', { class: 'search-label', for: search.id }, L('按姓名查找', 'Find a name')),
    search,
    shown,
    chosen,
    list,
    h(
      'div',
      { class: 'ballot-bar' },
      count,
      over,
      h('button', { type: 'button', class: 'primary big cast', onclick: () => at.review() }, L('投出选票', 'Cast ballot')),
    ),
  );
  update();
  return el;
}

/** 民主测评: one grade per cadre, or none (弃权). */
export function evaluationBallot(voteId: string, item: EvaluationItem, at: SlipBallotWiring): HTMLElement {
  const count = h('p', { class: 'grade-count', 'aria-live': 'polite' });
  const radios: HTMLInputElement[] = [];
  const options = [...item.grades.map((g) => ({ code: g.code, name: g.name })), { code: ABSTAIN, name: L('弃权', 'Abstain') }];
  const list = h(
    'div',
    { class: 'cadres' },
    item.candidates.map((c) =>
      h(
        'fieldset',
        { class: 'cadre', 'data-candidate': c.name },
        h('legend', null, h('span', { class: 'name' }, c.name), posts(c) ? h('span', { class: 'posts' }, posts(c)) : null),
        h(
          'div',
          { class: 'grades' },
          options.map((g) => {
            const radio = h('input', {
              type: 'radio',
              name: `g-${voteId}-${c.candidateId}`,
              id: `g-${voteId}-${c.candidateId}-${g.code}`,
              value: g.code,
              'data-candidate-id': c.candidateId,
              'data-grade': g.code,
              onchange: () => {
                at.setCell(c.candidateId, g.code);
                update();
              },
            });
            radios.push(radio);
            return h('label', { class: `grade-option ${g.code === ABSTAIN ? 'abstain' : ''}`, for: radio.id }, radio, h('span', null, g.name));
          }),
        ),
      ),
    ),
  );

  function update(): void {
    const cells = at.cells();
    const n = evaluationCount(item, cells);
    count.textContent = L(`已评 ${n.graded} / ${n.total}`, `Graded ${n.graded} / ${n.total}`);
    count.dataset.graded = String(n.graded);
    count.dataset.total = String(n.total);
    for (const r of radios) r.checked = cells?.[r.dataset.candidateId!] === r.value;
  }

  const el = h(
    'div',
    { class: 'slip-ballot evaluation', 'data-item-id': item.itemId },
    h('h3', null, item.title),
    h(
      'p',
      { class: 'rule' },
      L(
        `请为每位干部选择一个等次（${item.grades.map((g) => g.name).join('、')}）；未评等次的按弃权计。`,
        `Choose one grade (${item.grades.map((g) => g.name).join(', ')}) for each cadre; a cadre left ungraded counts as an abstention.`,
      ),
    ),
    list,
    h(
      'div',
      { class: 'ballot-bar' },
      count,
      h('button', { type: 'button', class: 'primary big cast', onclick: () => at.review() }, L('投出选票', 'Cast ballot')),
    ),
  );
  update();
  return el;
}

/** 请核对您的选票: what will be cast, with the warnings, before anything leaves. */
export function slipReview(voteId: string, item: ShapedItem, draft: AnyChoices | undefined, at: { back(): void; cast(): void }): HTMLElement {
  const cells = draft?.[item.itemId];
  const body = h('div', { class: 'review-body' });
  let warn: boolean;
  if (item.shape === 'recommendation') {
    const n = recommendationCount(item, cells);
    warn = n.over;
    const names = item.candidates.filter((c) => cells?.[c.candidateId] === RECOMMEND);
    put(
      body,
      h('p', { class: 'mark-count' }, L(`推荐 ${n.marked} 人（每票至多 ${n.max} 人）`, `${n.marked} marked (at most ${n.max})`)),
      names.length > 0
        ? h(
            'ul',
            { class: 'review-names' },
            names.map((c) => h('li', null, c.name)),
          )
        : h('p', null, L('未推荐任何人（空白票）。', 'No name marked (a blank ballot).')),
      n.over
        ? h(
            'p',
            { class: 'notice error void-warning', role: 'alert' },
            L(
              `您推荐了 ${n.marked} 人，超过 ${n.max} 人：这张选票将计为无效票，所推荐的人都不计票。`,
              `You marked ${n.marked} names, more than ${n.max}: this ballot will count as invalid, and none of its names is counted.`,
            ),
          )
        : null,
    );
  } else {
    const n = evaluationCount(item, cells);
    warn = n.ungraded.length > 0;
    put(
      body,
      h('p', { class: 'grade-count' }, L(`已评 ${n.graded} / ${n.total}`, `Graded ${n.graded} / ${n.total}`)),
      h(
        'ul',
        { class: 'review-grades' },
        item.grades.map((g) => h('li', null, `${g.name}：${item.candidates.filter((c) => cells?.[c.candidateId] === g.code).length}`)),
      ),
      n.ungraded.length > 0
        ? h(
            'p',
            { class: 'notice warn ungraded-warning', role: 'alert' },
            L(
              `以下 ${n.ungraded.length} 人未评等次，将按弃权计：${n.ungraded.map((c) => c.name).join('、')}`,
              `${n.ungraded.length} cadre${n.ungraded.length > 1 ? 's are' : ' is'} not graded and will count as abstentions: ${n.ungraded.map((c) => c.name).join(', ')}`,
            ),
          )
        : null,
    );
  }
  return h(
    'div',
    { class: `confirm review ${warn ? 'over-marked' : ''}`, role: 'alertdialog', 'aria-labelledby': `review-${voteId}` },
    h('h3', { id: `review-${voteId}` }, L('请核对您的选票', 'Check your ballot')),
    body,
    h('p', { class: 'hint' }, L('投出后不能更改。', 'Once cast, it cannot be changed.')),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'big back', onclick: () => at.back() }, L('返回修改', 'Go back')),
      h(
        'button',
        { type: 'button', class: `big ${warn ? 'danger' : 'primary'} confirm-cast`, onclick: () => at.cast() },
        warn ? L('仍然投出', 'Cast anyway') : L('确认投出', 'Cast it'),
      ),
    ),
  );
}
