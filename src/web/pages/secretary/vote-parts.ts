// Pieces of the secretary's vote cards, shared by the members' meetings and the meetings of
// participants holding slips: the items of a saved vote, the live turnout, the close's progress,
// the members without a token, the meeting's state.
import { isCommitteeItem, itemKind, type DefinitionItem, type VoteDefinition } from '../../../protocol/ballot.ts';
import { evaluationRows, recommendationByRank, type ShapedItem, type Threshold } from '../../../protocol/shapes.ts';
import type { ShapedTally } from '../../../protocol/tally.ts';
import { h, put } from '../../dom.ts';
import { candidatePosts, hasPosts } from '../../posts.ts';
import { kindLabel, L } from '../../i18n.ts';
import type { Closing, Meeting } from '../../types.ts';

/** A saved vote's items; with 现任职务 / 拟任职务 when given, one candidate a line (issue 11). */
export function itemsSummary(def: VoteDefinition): HTMLElement {
  // A 民主推荐 / 民主测评 vote's definition holds its one shaped item (issue 15).
  const items: readonly DefinitionItem[] = def.items;
  return h(
    'ul',
    { class: 'items-summary' },
    items.map((it) =>
      !isCommitteeItem(it)
        ? shapedSummary(it)
        : h(
            'li',
            { 'data-item-id': it.itemId },
            h('strong', null, it.post),
            // The names follow on the line; a list of names with their posts starts a line of its own.
            ` · ${kindLabel(itemKind(it), it.seats)}${it.candidates.some(hasPosts) ? '' : ' · '}`,
            it.candidates.some(hasPosts)
              ? h(
                  'ol',
                  { class: 'summary-candidates' },
                  it.candidates.map((c) => h('li', { 'data-candidate': c.name }, h('span', { class: 'name' }, c.name), candidatePosts(it, c))),
                )
              : it.candidates.map((c) => c.name).join('、'),
          ),
    ),
  );
}

export function setTurnout(el: HTMLElement, t: { issued: number; returned: number }): void {
  el.dataset.issued = String(t.issued);
  el.dataset.returned = String(t.returned);
  put(el, L('发出 ', 'Issued '), h('strong', null, t.issued), L('　收回 ', '   Returned '), h('strong', null, t.returned));
}

/** Member ids in the roster's order (the service sorts them by id), any unknown id last. */
export function inRosterOrder(ids: string[], names: Map<string, string>): string[] {
  const roster = [...names.keys()];
  const rank = (id: string) => (roster.includes(id) ? roster.indexOf(id) : roster.length);
  return [...ids].sort((a, b) => rank(a) - rank(b));
}

/** The close in progress: 收回 and how many confirmed; once sealed, the decision and which inspectors signed. */
export function setProgress(el: HTMLElement, view: Closing, names: Map<string, string>): void {
  const ballots = view.prepared.ballots.length;
  const confirmed = view.confirmations.length;
  const missing = Math.max(0, ballots - confirmed);
  el.dataset.ballots = String(ballots);
  el.dataset.confirmations = String(confirmed);
  el.dataset.countersigned = String(view.countersignedBy.length);
  const name = (id: string) => names.get(id) ?? id;
  put(
    el,
    h(
      'p',
      { class: 'confirmations' },
      L('收回 ', 'Returned '),
      h('strong', null, ballots),
      L('　已确认 ', '   Confirmed '),
      h('strong', { class: 'confirmed-count' }, confirmed),
      view.state === 'confirming'
        ? h(
            'span',
            { class: 'hint' },
            missing > 0
              ? L(`　尚有 ${missing} 张待投票人手机确认`, `   ${missing} still to be confirmed by the members’ phones`)
              : L('　全部选票均已确认', '   every ballot is confirmed'),
          )
        : null,
    ),
    view.decision
      ? h(
          'p',
          { class: 'notice warn decision' },
          L(
            `秘书决定：${view.decision.unconfirmed} 张选票未获确认，照常提交。原因：${view.decision.reason}`,
            `Secretary’s decision: ${view.decision.unconfirmed} ballot${view.decision.unconfirmed === 1 ? '' : 's'} unconfirmed, sent on. Reason: ${view.decision.reason}`,
          ),
        )
      : null,
    view.state === 'countersigning'
      ? h(
          'div',
          { class: 'countersigning' },
          h('p', null, L('已提交监票人，等待签字：', 'Sent to the inspectors; waiting for their signatures:')),
          h(
            'ul',
            { class: 'inspector-signatures' },
            inRosterOrder(view.inspectors, names).map((id) => {
              const signed = view.countersignedBy.includes(id);
              return h(
                'li',
                { 'data-inspector': id, 'data-signed': String(signed) },
                h('span', null, name(id)),
                ' ',
                h('strong', { class: signed ? 'signed' : 'pending' }, signed ? L('✓ 已签字', '✓ signed') : L('待签字', 'not yet signed')),
              );
            }),
          ),
        )
      : null,
  );
}

/** Present members without a token, by name: staff can go and help them. Nothing about casting. */
export function setWaiting(el: HTMLElement, waiting: string[] | undefined): void {
  if (waiting === undefined) {
    delete el.dataset.count;
    put(el, h('p', { class: 'hint' }, L('尚未登记实到。', 'No attendance recorded yet.')));
    return;
  }
  el.dataset.count = String(waiting.length);
  put(
    el,
    waiting.length === 0
      ? h('p', { class: 'hint all-fetched' }, L('实到委员均已领票。', 'Every present member has a ballot token.'))
      : h(
          'p',
          { class: 'no-token' },
          h('strong', null, L(`尚未领票（${waiting.length} 人）：`, `No ballot token yet (${waiting.length}): `)),
          h('span', { class: 'waiting-names' }, waiting.join(L('、', ', '))),
        ),
  );
}

export function meetingState(state: Meeting['state']): string {
  if (state === 'draft') return L('未开会', 'Not started');
  if (state === 'open') return L('进行中', 'In session');
  return L('已散会', 'Closed');
}

/** 过半数, 三分之一以上, or the fraction in words. */
function thresholdLabel(t: Threshold): string {
  if (t.comparison === 'more_than' && t.num * 2 === t.den) return L('过半数', 'more than half');
  if (t.comparison === 'at_least' && t.num * 3 === t.den) return L('三分之一以上', 'one third or more');
  return t.comparison === 'more_than' ? L(`超过 ${t.num}/${t.den}`, `more than ${t.num}/${t.den}`) : L(`达到 ${t.num}/${t.den}`, `at least ${t.num}/${t.den}`);
}

/** A 民主推荐 or 民主测评 item as saved: its post or title, k and threshold or grades, and the names in the ballot's order. */
function shapedSummary(it: ShapedItem): HTMLElement {
  const names = it.candidates.map((c) => c.name);
  return h(
    'li',
    { 'data-item-id': it.itemId, 'data-shape': it.shape },
    it.shape === 'recommendation'
      ? [
          h('strong', null, L(`民主推荐：${it.post}`, `Recommendation: ${it.post}`)),
          ` · ${L(`每票至多 ${it.maxMarks} 人`, `at most ${it.maxMarks} per ballot`)} · ${L('门槛', 'threshold')} ${thresholdLabel(it.threshold)} · `,
        ]
      : [h('strong', null, L(`民主测评：${it.title}`, `Evaluation: ${it.title}`)), ` · ${it.grades.map((g) => g.name).join(' / ')} · `],
    h('span', { class: 'shaped-names', 'data-names': names.join(',') }, L(`${names.length} 人：`, `${names.length}: `), names.join('、')),
  );
}

/** A closed 民主推荐's ranking or 民主测评's rates, on the vote's card (the printed sheets are the projector's). */
export function shapedOutcome(t: ShapedTally): HTMLElement {
  const pct = (p: string | null) => (p === null ? '—' : `${p}%`);
  const table = (head: string[], rows: HTMLElement[]) =>
    h(
      'table',
      { class: 'shaped-result' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          head.map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h('tbody', null, rows),
    );
  if (t.shape === 'recommendation') {
    return h(
      'div',
      { class: 'shaped-outcome', 'data-shape': t.shape, 'data-valid': t.valid, 'data-invalid': t.invalid },
      h(
        'p',
        null,
        L(
          `有效 ${t.valid} · 无效 ${t.invalid} · 门槛 ${thresholdLabel(t.threshold)}`,
          `Valid ${t.valid} · invalid ${t.invalid} · threshold ${thresholdLabel(t.threshold)}`,
        ),
      ),
      table(
        [L('名次', 'Rank'), L('姓名', 'Name'), L('得票', 'Votes'), L('得票率', 'Share'), L('达到门槛', 'Reached')],
        recommendationByRank(t).map((c) =>
          h(
            'tr',
            { 'data-candidate': c.name, 'data-votes': c.votes, 'data-reached': String(c.reached) },
            h('td', null, c.rank),
            h('th', { scope: 'row' }, c.name),
            h('td', null, c.votes),
            h('td', null, pct(c.rate.percent)),
            h('td', null, c.reached ? L('是', 'yes') : L('否', 'no')),
          ),
        ),
      ),
    );
  }
  return h(
    'div',
    { class: 'shaped-outcome', 'data-shape': t.shape, 'data-valid': t.valid },
    h('p', null, L(`有效 ${t.valid}`, `Valid ${t.valid}`)),
    table(
      [
        L('姓名', 'Name'),
        ...t.grades.map((g) => g.name),
        L('弃权', 'Abstain'),
        L('优秀率', 'Excellent'),
        L('称职以上率', 'Competent+'),
        L('不称职率', 'Inadequate'),
      ],
      evaluationRows(t).map((r) =>
        h(
          'tr',
          { 'data-candidate': r.name },
          h('th', { scope: 'row' }, r.name),
          r.cells.map((c) => h('td', null, c.count)),
          h('td', null, r.abstain),
          h('td', null, pct(r.excellent)),
          h('td', null, pct(r.competentOrBetter)),
          h('td', null, pct(r.inadequate)),
        ),
      ),
    ),
  );
}
