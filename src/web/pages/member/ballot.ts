// The ballot on a member's phone: every candidate's marks (one tab stop per candidate, arrows to
// move), the approvals counted against the seats, and 确认投票 — the ballot shown back for review,
// an over-marked item named as void, before anything is cast.
import { itemKind, overMarkedItems, type Choices, type Mark, type VoteDefinition, type VoteItem } from '../../../protocol/ballot.ts';
import { h } from '../../dom.ts';
import { kindLabel, L, markLabel } from '../../i18n.ts';
import { unmarked } from '../../member-flow.ts';
import { candidatePosts } from '../../posts.ts';
import type { StoredVote } from '../../store.ts';

/** What the ballot needs from the page: its state now, and the taps. */
export interface BallotWiring {
  /** The cast is on its way (the marks are locked). */
  sending: boolean;
  /** Shown back for review (确认投票). */
  reviewing: boolean;
  setMark: (itemId: string, candidateId: string, mark: Mark) => void;
  /** Cast pressed (confirmed = from the review). */
  cast: (confirmed: boolean) => void;
  /** Back from the review to the marks. */
  back: () => void;
}

/** 确认投票: the ballot shown back for review, before anything is sent. */
function reviewForm(voteId: string, def: VoteDefinition, draft: Choices, at: BallotWiring): HTMLElement {
  const over = def.items.filter((it) => overMarkedItems(def, draft).includes(it.itemId));
  return h(
    'div',
    { class: 'ballot' },
    h(
      'div',
      { class: `confirm review ${over.length > 0 ? 'over-marked' : ''}`, role: 'alertdialog', 'aria-labelledby': `confirm-${voteId}` },
      h('h4', { id: `confirm-${voteId}` }, L('请核对您的选票', 'Check your ballot')),
      def.items.map((it) =>
        h(
          'div',
          { class: 'review-item' },
          h('h5', null, it.post),
          h(
            'ul',
            null,
            it.candidates.map((c) =>
              h(
                'li',
                { 'data-candidate': c.name },
                h('span', null, h('span', { class: 'name' }, c.name), candidatePosts(it, c)),
                h('strong', { class: `mark-text ${draft[it.itemId]?.[c.candidateId] ?? ''}` }, markLabel(draft[it.itemId]![c.candidateId]!)),
              ),
            ),
          ),
        ),
      ),
      over.length > 0 ? h('h4', { class: 'void-warning' }, L('请注意：以下项目将作废', 'Warning: these items will be void')) : null,
      over.length > 0
        ? h(
            'ul',
            { class: 'void-items' },
            over.map((it) => {
              const n = approvals(it, draft[it.itemId]);
              return h(
                'li',
                null,
                L(
                  `「${it.post}」同意 ${n} 人，超过应选 ${it.seats} 名，该项计为无效票。`,
                  `“${it.post}”: ${n} approvals for ${it.seats} seat${it.seats > 1 ? 's' : ''}; this item will count as invalid.`,
                ),
              );
            }),
          )
        : null,
      h('p', { class: 'hint' }, L('投出后不能更改。', 'Once cast, it cannot be changed.')),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'big back', onclick: at.back }, L('返回修改', 'Go back')),
        h(
          'button',
          { type: 'button', class: `big ${over.length > 0 ? 'danger' : 'primary'} confirm-cast`, onclick: () => at.cast(true) },
          over.length > 0 ? L('仍然投出', 'Cast anyway') : L('确认投出', 'Cast it'),
        ),
      ),
    ),
  );
}

export function ballotForm(voteId: string, v: StoredVote, at: BallotWiring): HTMLElement {
  const def = v.definition;
  const draft = v.draft ?? {};
  if (at.reviewing) return reviewForm(voteId, def, draft, at);
  const left = unmarked(def, draft);
  const sending = at.sending;
  const form = h('div', { class: 'ballot' });
  form.append(
    h(
      'section',
      { class: 'instructions' },
      h('h4', null, L('填票说明', 'How to mark')),
      h(
        'p',
        null,
        L(
          `请对每位候选人选择${def.marks.map((m) => `“${markLabel(m)}”`).join('、')}之一。差额项目中“同意”的人数不得超过应选人数，超过则该项作废。全部标记后点“投出选票”，核对无误再确认。`,
          `Choose one of ${def.marks.map((m) => `“${markLabel(m)}”`).join(', ')} for every candidate. In a differential item, approve no more candidates than there are seats, or that item is void. When all are marked, press Cast ballot, check, and confirm.`,
        ),
      ),
    ),
  );
  for (const item of def.items) form.append(itemBlock(voteId, def, item, draft[item.itemId] ?? {}, at));
  form.append(
    h(
      'p',
      { class: `left ${left ? 'warn' : ''}` },
      left ? L(`还有 ${left} 位候选人未标记。`, `${left} candidate${left > 1 ? 's' : ''} still unmarked.`) : L('已全部标记。', 'All marked.'),
    ),
    h(
      'button',
      { type: 'button', class: 'primary big cast', disabled: left > 0 || sending, onclick: () => at.cast(false) },
      sending ? L('正在投出…', 'Casting…') : L('投出选票', 'Cast ballot'),
    ),
    h(
      'p',
      { class: 'hint' },
      L('选票不附带您的登录凭据，单独发送；投出后不能更改。', 'Sent on its own, without your sign-in credentials; it cannot be changed once cast.'),
    ),
  );
  return form;
}

function itemBlock(voteId: string, def: VoteDefinition, item: VoteItem, marks: Record<string, Mark>, at: BallotWiring): HTMLElement {
  const n = approvals(item, marks);
  const over = n > item.seats;
  return h(
    'div',
    { class: 'item', 'data-item-id': item.itemId },
    h('div', { class: 'item-head' }, h('h4', null, item.post), h('span', { class: 'kind' }, kindLabel(itemKind(item), item.seats))),
    h(
      'ol',
      { class: 'candidates' },
      item.candidates.map((c) =>
        h(
          'li',
          { class: 'candidate', 'data-candidate': c.name },
          h('span', { class: 'name' }, c.name),
          candidatePosts(item, c),
          h(
            'div',
            { class: 'marks', role: 'radiogroup', 'aria-label': c.name },
            def.marks.map((m, k) => {
              const chosen = marks[c.candidateId];
              // One tab stop per candidate (the chosen mark, else the first); arrows move and choose.
              const tabStop = chosen === undefined ? k === 0 : chosen === m;
              return h(
                'button',
                {
                  type: 'button',
                  role: 'radio',
                  class: `mark ${m} ${chosen === m ? 'selected' : ''}`,
                  'data-mark': m,
                  'data-focus-key': `${voteId}/${item.itemId}/${c.candidateId}/${m}`,
                  'aria-checked': String(chosen === m),
                  tabindex: tabStop ? '0' : '-1',
                  disabled: at.sending,
                  onclick: () => at.setMark(item.itemId, c.candidateId, m),
                  onkeydown: (ev: KeyboardEvent) => {
                    const step = ev.key === 'ArrowRight' || ev.key === 'ArrowDown' ? 1 : ev.key === 'ArrowLeft' || ev.key === 'ArrowUp' ? -1 : 0;
                    if (step === 0) return;
                    ev.preventDefault();
                    const next = def.marks[(k + step + def.marks.length) % def.marks.length]!;
                    at.setMark(item.itemId, c.candidateId, next);
                  },
                },
                markLabel(m),
              );
            }),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: `approve-count ${over ? 'over' : ''}`, 'aria-live': 'polite' },
      L(`同意 ${n} / 应选 ${item.seats}`, `Approve ${n} / ${item.seats} seat${item.seats > 1 ? 's' : ''}`),
      over ? h('strong', null, L('  超过应选人数，此项将无效', '  more than the seats: this item will be void')) : null,
    ),
  );
}

function approvals(item: VoteItem, marks: Record<string, Mark> | undefined): number {
  return item.candidates.filter((c) => marks?.[c.candidateId] === 'approve').length;
}
