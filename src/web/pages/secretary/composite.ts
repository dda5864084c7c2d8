// 三元测评 on the secretary's page (issue 15): the committee's closed 民主测评 votes, two to five of
// them chosen as the sources, each with its label and whole-number weight (30 / 40 / 30 for
// three), the sum checked against 100 before anything is sent; then the published composites,
// each cadre's composite rates and score as the chain entry states them.
import type { CompositeBody } from '../../../protocol/composite.ts';
import { COMPOSITE_SOURCES_MAX, COMPOSITE_SOURCES_MIN, WEIGHTS_TOTAL } from '../../../protocol/limits.ts';
import { isShapedItem } from '../../../protocol/shapes.ts';
import { ApiError, type Session } from '../../api.ts';
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import type { Committee, Meeting, Vote } from '../../types.ts';
import { errorText, notice } from '../../ui.ts';
import { checkWeights, defaultWeights } from './shaped-input.ts';

interface CompositeView {
  compositeId: string;
  seq: number;
  body: CompositeBody;
}

interface Source {
  vote: Vote;
  meeting: Meeting;
}

/** The composite panel: loads the committee's closed evaluations and its published composites. */
export async function compositePanel(session: Session, c: Committee, done?: string): Promise<HTMLElement> {
  const published = h('div', { class: 'composite-list' });
  const msg = h('div');
  const sources: Source[] = [];
  let composites: CompositeView[];
  try {
    const meetings = (await session.get<{ meetings: Meeting[] }>(`/v1/committees/${c.id}/meetings`)).meetings.filter((m) => m.kind === 'slips');
    for (const m of meetings) {
      const votes = (await session.get<{ votes: Vote[] }>(`/v1/meetings/${m.id}/votes`)).votes;
      for (const v of votes) if (v.state === 'closed' && isEvaluation(v)) sources.push({ vote: v, meeting: m });
    }
    composites = (await session.get<{ composites: CompositeView[] }>(`/v1/committees/${c.id}/composites`)).composites;
  } catch (e) {
    return h('section', { class: 'card composites' }, h('h2', null, L('三元测评综合评价', 'Composite evaluation (三元测评)')), notice('error', errorText(e)));
  }
  showPublished(published, composites, c.id);
  sources.sort((a, b) => (a.vote.closedSeq ?? 0) - (b.vote.closedSeq ?? 0));

  const title = h('input', {
    id: `composite-title-${c.id}`,
    name: 'composite-title',
    placeholder: L('如：2026 年度科级领导干部三元测评', 'e.g. 2026 composite evaluation'),
  });
  // A vote is the source of one published composite at most: the ones used are shown, not offered.
  const usedIn = new Map(composites.flatMap((x) => x.body.sources.map((src) => [src.voteId, x.body.title] as const)));
  const rows = sources.map((s) => {
    const used = usedIn.get(s.vote.id);
    const pick = h('input', { type: 'checkbox', name: 'composite-source', value: s.vote.id, disabled: used !== undefined, onchange: () => reweigh() });
    const label = h('input', {
      name: 'source-label',
      value: s.meeting.title,
      maxlength: '64',
      'aria-label': L(`「${s.vote.title}」的来源名称`, `Source label of “${s.vote.title}”`),
    });
    const weight = h('input', {
      name: 'source-weight',
      type: 'number',
      min: '1',
      max: String(WEIGHTS_TOTAL),
      inputmode: 'numeric',
      disabled: true,
      'aria-label': L(`「${s.vote.title}」的权重（%）`, `Weight of “${s.vote.title}” (%)`),
      oninput: () => showSum(),
    });
    const el = h(
      'li',
      { class: 'composite-source', 'data-vote-id': s.vote.id, 'data-used': String(used !== undefined) },
      h(
        'label',
        { class: 'check' },
        pick,
        h(
          'span',
          null,
          h('strong', null, s.vote.title),
          h('span', { class: 'hint' }, ` · ${s.meeting.title}`),
          used !== undefined ? h('span', { class: 'hint used-in' }, L(` · 已用于「${used}」`, ` · used in “${used}”`)) : null,
        ),
      ),
      used !== undefined ? null : h('div', { class: 'row' }, label, weight, h('span', null, '%')),
    );
    return { s, pick, label, weight, el };
  });
  const sum = h('p', { class: 'weight-sum', 'aria-live': 'polite' });
  const chosen = () => rows.filter((r) => r.pick.checked);
  /** A new choice of sources starts again from the default weights for that many. */
  const reweigh = () => {
    const picked = chosen();
    const weights = defaultWeights(picked.length);
    for (const r of rows) {
      r.weight.disabled = !r.pick.checked;
      r.weight.value = r.pick.checked ? String(weights[picked.indexOf(r)]) : '';
    }
    showSum();
  };
  const showSum = () => {
    const picked = chosen();
    const total = picked.reduce((n, r) => n + (Number(r.weight.value) || 0), 0);
    sum.dataset.sum = String(total);
    sum.className = `weight-sum ${total === WEIGHTS_TOTAL ? 'met' : 'not-met'}`;
    put(
      sum,
      L(`已选 ${picked.length} 项 · 权重合计 `, `${picked.length} chosen · weights total `),
      h('strong', null, `${total}%`),
      total === WEIGHTS_TOTAL ? ' ✓' : L('（须为 100%）', ' (must be 100%)'),
    );
  };
  showSum();

  const publish = async () => {
    put(msg);
    const picked = chosen();
    if (!title.value.trim()) {
      put(msg, notice('error', L('请填写综合测评名称。', 'Give the composite a title.')));
      return;
    }
    const check = checkWeights(picked.map((r) => r.weight.value));
    if (!check.ok) {
      put(
        msg,
        notice(
          'error',
          check.problem === 'sources'
            ? L(
                `请选择 ${COMPOSITE_SOURCES_MIN} 至 ${COMPOSITE_SOURCES_MAX} 项已结束的民主测评（已选 ${check.count} 项）。`,
                `Choose ${COMPOSITE_SOURCES_MIN} to ${COMPOSITE_SOURCES_MAX} closed evaluations (${check.count} chosen).`,
              )
            : check.problem === 'not_whole'
              ? L(`第 ${check.index + 1} 项的权重须为 1 至 100 的整数。`, `Weight ${check.index + 1} must be a whole number from 1 to 100.`)
              : L(`权重合计为 ${check.sum}%，须为 100%。`, `The weights total ${check.sum}%; they must total 100%.`),
        ),
      );
      return;
    }
    const emptyLabel = picked.findIndex((r) => !r.label.value.trim());
    if (emptyLabel >= 0) {
      put(msg, notice('error', L(`请填写第 ${emptyLabel + 1} 项的来源名称。`, `Give source ${emptyLabel + 1} a label.`)));
      return;
    }
    try {
      await session.post(`/v1/committees/${c.id}/composites`, {
        title: title.value.trim(),
        sources: picked.map((r, i) => ({ label: r.label.value.trim(), voteId: r.s.vote.id, weight: check.weights[i]! })),
      });
      section.replaceWith(await compositePanel(session, c, L('综合测评已发布，记入公开记录。', 'The composite is published in the public record.')));
    } catch (e) {
      const at = e instanceof ApiError && e.field ? /^sources\.(\d+)/.exec(e.field) : null;
      const which = at ? picked[Number(at[1])] : undefined;
      put(msg, notice('error', which ? `${which.label.value}：${errorText(e)}` : errorText(e)));
    }
  };

  if (done) put(msg, notice('ok', done));
  const section = h(
    'section',
    { class: 'card composites', 'data-committee-id': c.id },
    h('h2', null, L('三元测评综合评价', 'Composite evaluation (三元测评)')),
    h(
      'p',
      { class: 'hint' },
      L(
        '选择已结束的民主测评（每个来源一次会议），设定权重（合计 100%），按各等次分值（优秀 100、称职 80、基本称职 60、不称职 0）计算每人的综合结果，发布后记入公开记录，可由任何人复核。',
        'Choose closed evaluations (one meeting per source) and their weights (totalling 100%); each cadre’s composite is computed on the grade points (excellent 100, competent 80, adequate 60, inadequate 0) and published in the public record for anyone to recompute.',
      ),
    ),
    sources.length === 0
      ? notice('info', L('尚无已结束的民主测评。', 'No closed evaluation yet.'))
      : h(
          'div',
          { class: 'new-composite' },
          h('label', { for: title.id }, L('综合测评名称', 'Title')),
          title,
          h(
            'fieldset',
            null,
            h('legend', null, L('测评来源与权重', 'Sources and weights')),
            h(
              'ul',
              { class: 'composite-sources' },
              rows.map((r) => r.el),
            ),
          ),
          sum,
          h(
            'div',
            { class: 'row' },
            h('button', { type: 'button', class: 'primary publish-composite', onclick: () => void publish() }, L('发布综合测评', 'Publish')),
          ),
        ),
    msg,
    h('h3', null, L('已发布的综合测评', 'Published composites')),
    published,
  );
  return section;
}

function isEvaluation(v: Vote): boolean {
  const item: unknown = v.definition.items[0];
  return v.definition.items.length === 1 && isShapedItem(item) && item.shape === 'evaluation';
}

function showPublished(el: HTMLElement, composites: CompositeView[], committeeId: string): void {
  if (composites.length === 0) {
    put(el, h('p', { class: 'hint' }, L('尚未发布。', 'None yet.')));
    return;
  }
  put(
    el,
    composites.map((x) =>
      h(
        'div',
        { class: 'composite', 'data-composite-id': x.compositeId, 'data-seq': x.seq },
        h('h4', null, x.body.title),
        h('p', { class: 'composite-weights' }, x.body.sources.map((s) => `${s.label} ${s.weight}%`).join(L('，', ', '))),
        h(
          'p',
          { class: 'composite-links' },
          h(
            'a',
            { class: 'composite-screen', href: `#/projector?committee=${committeeId}&composite=${x.compositeId}&full=1`, target: '_blank', rel: 'noopener' },
            L('大屏显示', 'Big screen'),
          ),
          ' ',
          h(
            'a',
            { class: 'report-link', href: `#/projector?committee=${committeeId}&composite=${x.compositeId}&report=1`, target: '_blank', rel: 'noopener' },
            L('三元测评综合结果汇总表', 'Printed composite sheet'),
          ),
        ),
        h(
          'table',
          { class: 'composite-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              [L('姓名', 'Name'), L('优秀率', 'Excellent'), L('称职以上率', 'Competent or better'), L('不称职率', 'Inadequate'), L('综合得分', 'Score')].map(
                (t) => h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            x.body.cadres.map((cd) =>
              h(
                'tr',
                { 'data-candidate': cd.name },
                h('th', { scope: 'row' }, cd.name),
                h('td', null, `${cd.excellent.percent}%`),
                h('td', null, `${cd.competentOrBetter.percent}%`),
                h('td', null, `${cd.inadequate.percent}%`),
                h('td', { class: 'score' }, cd.score.value),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
