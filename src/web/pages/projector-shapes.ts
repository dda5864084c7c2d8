// The projector and the printed sheets for the meetings' ballots (issue 15): 民主推荐票统计表 and
// 民主测评结果汇总表 for a vote of a meeting of participants holding slips, and the 三元测评
// composite (#/projector?committee=…&composite=…). The rows come from shaped-sheets.ts (the
// protocol's numbers); this module only lays them out: large type and automatic page turns on the
// big screen for lists of up to 200 names, one A4 table in the official style on paper.
import { computeComposite, type CompositeBody } from '../../protocol/composite.ts';
import { canonicalBytes } from '../../protocol/encoding.ts';
import type { ChainEntry } from '../../protocol/chain.ts';
import type { EvaluationItem, EvaluationTally, RecommendationItem, RecommendationTally, ShapedItem } from '../../protocol/shapes.ts';
import type { ShapedTally, Tally } from '../../protocol/tally.ts';
import { recordGet, signInIfEnrolled } from '../api.ts';
import { h, put } from '../dom.ts';
import { L } from '../i18n.ts';
import { headDigits, verifiedChain } from '../record.ts';
import { qrSvg } from '../qr.ts';
import { linkBase } from '../site.ts';
import {
  compositeRows,
  evaluationSheet,
  pageRows,
  percentCell,
  recommendationSheetRows,
  sheetFigures,
  thresholdWords,
  votesToReach,
  type CompositeRow,
  type RecommendationRow,
  type SheetFigures,
} from '../shaped-sheets.ts';
import type { TallyReply } from '../types.ts';
import { errorText, notice } from '../ui.ts';
import type { EvaluationRow } from '../../protocol/shapes.ts';

/** How long a page of a long list stays on the big screen before the next. */
const PAGE_MS = 12_000;

// ── pieces both the screen and the paper use ─────────────────────────────────────────────────

/** 应到 / 实到 / 发出 / 收回 / 有效 / 无效: a value not known yet shows —. */
export function shapedFigures(f: Partial<SheetFigures>): HTMLElement {
  const cell = (label: string, key: keyof SheetFigures) =>
    h('div', { class: `figure ${key}` }, h('div', { class: 'figure-label' }, label), h('div', { class: 'figure-value', 'data-figure': key }, f[key] ?? '—'));
  return h(
    'div',
    { class: 'figures six' },
    cell(L('应到', 'Entitled'), 'entitled'),
    cell(L('实到', 'Present'), 'present'),
    cell(L('发出', 'Issued'), 'issued'),
    cell(L('收回', 'Returned'), 'returned'),
    cell(L('有效', 'Valid'), 'valid'),
    cell(L('无效', 'Invalid'), 'invalid'),
  );
}

function thresholdText(item: Pick<RecommendationItem, 'threshold'>): string {
  const w = thresholdWords(item.threshold);
  return L(w.zh, w.en);
}

/** What the ballot was: the post and k, the threshold in words; or the evaluation's title and grades. */
export function shapedHeading(item: ShapedItem, valid?: number, extra: HTMLElement | null = null): HTMLElement {
  if (item.shape === 'evaluation') {
    return h(
      'div',
      { class: 'shaped-heading' },
      h('h2', null, item.title),
      h('span', { class: 'kind' }, L(`测评等次：${item.grades.map((g) => g.name).join('、')}`, `Grades: ${item.grades.map((g) => g.name).join(', ')}`)),
      h('span', { class: 'kind' }, L(`被测评干部 ${item.candidates.length} 名`, `${item.candidates.length} cadres`)),
    );
  }
  const least = valid === undefined ? null : votesToReach(item.threshold, valid);
  return h(
    'div',
    { class: 'shaped-heading' },
    h('h2', null, L('推荐职位（职级）：', 'Recommended for: '), item.post),
    h('span', { class: 'kind' }, L(`每票至多推荐 ${item.maxMarks} 人，超过为无效票`, `Up to ${item.maxMarks} per ballot; more is invalid`)),
    h(
      'span',
      { class: 'kind threshold', 'data-threshold': `${item.threshold.comparison} ${item.threshold.num}/${item.threshold.den}` },
      L(`得票率须${thresholdText(item)}`, `Needs ${thresholdText(item)} of valid ballots`),
      least === null ? '' : L(`（至少 ${least} 票）`, ` (at least ${least})`),
    ),
    extra,
  );
}

/**
 * A table in a box that scrolls sideways when the screen is narrower than the table (a phone):
 * the page itself never scrolls sideways. Focusable, so a keyboard can scroll it too.
 */
function scrollBox(label: string, table: HTMLTableElement): HTMLElement {
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': label, tabindex: 0 }, table);
}

function recommendationTable(rows: RecommendationRow[], item: Pick<RecommendationItem, 'threshold'>): HTMLElement {
  return scrollBox(
    L('民主推荐票统计', 'Recommendation count'),
    h(
      'table',
      { class: 'result-table sheet-table recommendation-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { class: 'num rank' }, L('名次', 'Rank')),
          h('th', { class: 'name' }, L('姓名', 'Name')),
          h('th', { class: 'num' }, L('得票数', 'Votes')),
          h('th', { class: 'num' }, L('得票率', 'Share')),
          h('th', { class: 'reached' }, L(`是否${thresholdText(item)}`, `Reaches ${thresholdText(item)}`)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            { 'data-candidate': r.name, class: r.reached ? 'reached' : 'not-reached' },
            h('td', { class: 'num rank', 'data-col': 'rank', 'data-tied': String(r.tied) }, r.tied ? L(`${r.rank}（并列）`, `${r.rank}=`) : r.rank),
            h('th', { scope: 'row', class: 'name' }, r.name),
            h('td', { class: 'num', 'data-col': 'votes' }, r.votes),
            h('td', { class: 'num', 'data-col': 'percent' }, percentCell(r.percent)),
            h('td', { class: 'reached', 'data-col': 'reached', 'data-reached': String(r.reached) }, r.reached ? L('✓ 是', '✓ Yes') : L('否', 'No')),
          ),
        ),
      ),
    ),
  );
}

/** 优秀率, 称职以上率, 不称职率: the last three columns of the evaluation and composite tables. */
const RATES = [
  ['excellent', '优秀率', 'Excellent'],
  ['competentOrBetter', '称职以上率', 'Competent+'],
  ['inadequate', '不称职率', 'Inadequate'],
] as const;

function rateHeads(): HTMLElement[] {
  return RATES.map(([, zh, en]) => h('th', { class: 'num' }, L(zh, en)));
}

function rateCells(cell: (rate: (typeof RATES)[number][0]) => string | Node): HTMLElement[] {
  return RATES.map(([rate]) => h('td', { class: 'num', 'data-col': `rate-${rate}` }, cell(rate)));
}

function evaluationTable(rows: EvaluationRow[], t: Pick<EvaluationTally, 'grades'>): HTMLElement {
  return scrollBox(
    L('民主测评结果', 'Evaluation results'),
    h(
      'table',
      { class: 'result-table sheet-table evaluation-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { class: 'name' }, L('姓名', 'Name')),
          t.grades.map((g) => h('th', { class: 'num' }, g.name)),
          h('th', { class: 'num' }, L('弃权', 'Abstain')),
          rateHeads(),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            { 'data-candidate': r.name },
            h('th', { scope: 'row', class: 'name' }, r.name),
            r.cells.map((c, i) => h('td', { class: 'num', 'data-grade': t.grades[i]!.code }, c.count)),
            h('td', { class: 'num', 'data-col': 'abstain' }, r.abstain),
            rateCells((rate) => percentCell(r[rate])),
          ),
        ),
      ),
    ),
  );
}

function compositeTable(rows: CompositeRow[], body: CompositeBody): HTMLElement {
  return scrollBox(
    L('三元测评综合结果', 'Composite results'),
    h(
      'table',
      { class: 'result-table sheet-table composite-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { class: 'name' }, L('姓名', 'Name')),
          body.sources.map((s) => h('th', { class: 'num' }, s.label, h('span', { class: 'weight' }, L(`（权重 ${s.weight}%）`, ` (weight ${s.weight}%)`)))),
          h('th', { class: 'num' }, L('综合得分', 'Composite')),
          h('th', { class: 'num' }, L('名次', 'Rank')),
          rateHeads(),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            { 'data-candidate': r.name },
            h('th', { scope: 'row', class: 'name' }, r.name),
            r.sourceScores.map((s, i) => h('td', { class: 'num', 'data-source': i }, s)),
            h('td', { class: 'num score', 'data-col': 'score' }, r.score),
            h('td', { class: 'num', 'data-col': 'rank' }, r.rank),
            rateCells((rate) => `${r[rate]}%`),
          ),
        ),
      ),
    ),
  );
}

/** The rule of the composite in one sentence, with the points scale. */
function compositeRule(body: CompositeBody, grades: readonly { code: string; name: string }[]): HTMLElement {
  const name = (code: string) => grades.find((g) => g.code === code)?.name ?? code;
  const sep = L('、', ', ');
  return h(
    'p',
    { class: 'rule' },
    L(
      `各来源得分 = 每张有效票的平均分（${body.points.map((p) => `${name(p.code)} ${p.points} 分`).join(sep)}，弃权不得分）；综合得分与综合比率 = 各来源按权重（${body.sources.map((s) => `${s.label} ${s.weight}%`).join(sep)}）加权。`,
      `A source's score is its average points per valid ballot (${body.points.map((p) => `${name(p.code)} ${p.points}`).join(sep)}; an abstention scores none); the composite score and rates weight the sources (${body.sources.map((s) => `${s.label} ${s.weight}%`).join(sep)}).`,
    ),
  );
}

/**
 * The verified result of a shaped vote as the observer page shows it after verifying the record:
 * the item's heading from its tally, 有效 / 无效, the whole table (not paged), and the printed sheet.
 */
export function observerShapedResult(s: ShapedTally, sheetHref: string | null): HTMLElement {
  const head =
    s.shape === 'recommendation'
      ? L(`${s.post}（每票至多推荐 ${s.maxMarks} 人，得票率须${thresholdText(s)}）`, `${s.post} (up to ${s.maxMarks} per ballot; needs ${thresholdText(s)})`)
      : s.title;
  const counts =
    s.shape === 'recommendation'
      ? L(`有效 ${s.valid} · 无效 ${s.invalid} · 空白 ${s.blank}`, `valid ${s.valid} · invalid ${s.invalid} · blank ${s.blank}`)
      : L(`有效 ${s.valid}`, `valid ${s.valid}`);
  return h(
    'section',
    { class: `result-item shaped ${s.shape}`, 'data-item-id': s.itemId },
    h('h3', null, head, ' ', h('span', { class: 'hint' }, counts)),
    s.shape === 'recommendation' ? recommendationTable(recommendationSheetRows(s), s) : evaluationTable(evaluationSheet(s).rows, s),
    sheetHref
      ? h(
          'p',
          null,
          h(
            'a',
            { class: 'button report-link', href: sheetHref },
            s.shape === 'recommendation'
              ? L('民主推荐票统计表（打印）', 'Recommendation count sheet (print)')
              : L('民主测评结果汇总表（打印）', 'Evaluation summary sheet (print)'),
          ),
        )
      : null,
  );
}

// ── the big screen: tables in pages that turn by themselves ──────────────────────────────────

/**
 * Lays `rows` out in pages that fill the screen below `host`'s top: as many rows per column as
 * fit at the table's size, up to `maxColumns` columns side by side, and turns the page every
 * PAGE_MS (← and → turn it by hand). Every row is in the page; only one page shows at a time.
 * Returns the function that stops the turning.
 */
export function pagedTables<T>(host: HTMLElement, rows: T[], table: (rows: T[]) => HTMLElement, maxColumns: number): () => void {
  let pages: T[][][] = [];
  let pageEls: HTMLElement[] = [];
  let current = 0;
  const line = h('p', { class: 'page-line' }, '');
  const show = (i: number) => {
    current = (i + pages.length) % pages.length;
    pageEls.forEach((el, k) => (el.hidden = k !== current));
    line.textContent =
      pages.length > 1 ? L(`第 ${current + 1} / ${pages.length} 页（自动翻页）`, `Page ${current + 1} of ${pages.length} (turns by itself)`) : '';
  };
  const layout = () => {
    const widthColumns = Math.min(maxColumns, window.innerWidth >= 1500 ? 3 : window.innerWidth >= 1000 ? 2 : 1);
    // Measure one header and one row at the size and column width the screen shows them.
    put(host, h('div', { class: `sheet-page columns-${widthColumns}` }, table(rows.slice(0, 1))));
    const probe = host.querySelector('table')!;
    const rowPx = probe.querySelector('tbody tr')?.getBoundingClientRect().height || 48;
    const headPx = probe.querySelector('thead')?.getBoundingClientRect().height || 48;
    const top = host.getBoundingClientRect().top + window.scrollY;
    // Room for the page line under the table; the record head and the buttons may scroll.
    const room = window.innerHeight - top - 48;
    const perColumn = Math.max(5, Math.floor((room - headPx) / rowPx));
    const columns = Math.max(1, Math.min(widthColumns, Math.ceil(rows.length / perColumn)));
    pages = pageRows(rows, perColumn, columns);
    pageEls = pages.map((page, i) =>
      h(
        'div',
        { class: `sheet-page columns-${columns}`, 'data-page': i, hidden: true },
        page.map((col) => table(col)),
      ),
    );
    line.dataset.pages = String(pages.length);
    put(host, pageEls, line);
    show(0);
  };
  layout();
  const timer = setInterval(() => {
    if (pages.length > 1) show(current + 1);
  }, PAGE_MS);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowRight' || e.key === 'PageDown') show(current + 1);
    if (e.key === 'ArrowLeft' || e.key === 'PageUp') show(current - 1);
  };
  // The browser's own full screen (F11) or another window size: the pages are cut again.
  let resizing: ReturnType<typeof setTimeout> | undefined;
  const onResize = () => {
    clearTimeout(resizing);
    resizing = setTimeout(layout, 300);
  };
  window.addEventListener('keydown', onKey);
  window.addEventListener('resize', onResize);
  return () => {
    clearInterval(timer);
    clearTimeout(resizing);
    window.removeEventListener('keydown', onKey);
    window.removeEventListener('resize', onResize);
  };
}

/** The shaped vote's result on the big screen, in `host` (the rows paged). Returns the pager's stop. */
export function shapedResultScreen(host: HTMLElement, item: ShapedItem, t: Tally, s: ShapedTally): () => void {
  const tableHost = h('div', { class: 'sheet-pages' });
  put(
    host,
    h(
      'section',
      { class: `result-item shaped ${s.shape}`, 'data-item-id': s.itemId },
      shapedHeading(item, s.valid, s.shape === 'recommendation' ? blankLine(s) : null),
      tableHost,
    ),
  );
  return s.shape === 'recommendation'
    ? pagedTables(tableHost, recommendationSheetRows(s), (rows) => recommendationTable(rows, item as RecommendationItem), 3)
    : pagedTables(tableHost, evaluationSheet(s).rows, (rows) => evaluationTable(rows, s), 1);
}

function blankLine(s: RecommendationTally): HTMLElement {
  return h('span', { class: 'kind blank-ballots', 'data-blank': s.blank }, L(`有效票中空白票 ${s.blank} 张。`, `${s.blank} of the valid ballots are blank.`));
}

// ── paper: one A4 table in the official style ────────────────────────────────────────────────

/** 监票人 / 计票人 signature lines and the 填表日期 left for the hand that signs. */
function signatureBlock(): HTMLElement {
  return h(
    'div',
    { class: 'signatures sheet-signatures' },
    [L('监票人', 'Scrutineer'), L('监票人', 'Scrutineer'), L('计票人', 'Teller')].map((r) =>
      h('div', null, `${r}（签字）：`, h('span', { class: 'sign-line' })),
    ),
    h('div', { class: 'fill-date' }, L('填表日期：', 'Date: '), h('span', { class: 'date-blank' }, L('　　　　年　　月　　日', '____-__-__'))),
  );
}

function proofBlock(headSeq: number, headHash: string, url: string): HTMLElement {
  return h(
    'div',
    { class: 'report-proof' },
    h(
      'div',
      null,
      h('h2', null, L('附：公开记录', 'Appendix: the public record')),
      h('p', null, L(`记录链头（第 ${headSeq} 条）哈希：`, `Record head (entry ${headSeq}) hash:`)),
      h('p', { class: 'head-hash' }, h('code', { 'data-head-hash': headHash }, headHash)),
      h('p', null, L('记录地址：', 'Record address: '), h('code', { class: 'record-url' }, url)),
      h(
        'p',
        { class: 'hint' },
        L(
          '任何人可下载记录，用 piaojue verify 或本系统的“验证”页面独立核验。',
          'Anyone can download the record and check it with `piaojue verify` or the Verify page.',
        ),
      ),
    ),
    qrSvg(url),
  );
}

function meta(pairs: [string, string | HTMLElement][]): HTMLElement {
  return h(
    'dl',
    { class: 'report-meta' },
    pairs.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
}

const longDate = (iso: string) => new Date(iso).toLocaleDateString(document.documentElement.lang, { dateStyle: 'long' });

export interface ShapedSheetInput {
  committeeName: string;
  voteTitle: string;
  item: ShapedItem;
  tally: Tally;
  shaped: ShapedTally;
  meetingTitle: string;
  closedAt: string;
  headSeq: number;
  headHash: string;
  recordUrl: string;
}

/** 民主推荐票统计表 or 民主测评结果汇总表, for the printer. */
export function shapedSheet(x: ShapedSheetInput): HTMLElement {
  const s = x.shaped;
  const title =
    s.shape === 'recommendation'
      ? L('民主推荐票统计表', 'Democratic recommendation: count of votes')
      : L('民主测评结果汇总表', 'Democratic evaluation: summary of results');
  return h(
    'article',
    { class: `report sheet ${s.shape}` },
    h('h1', null, title),
    meta([
      [L('会议名称', 'Meeting'), h('span', { class: 'report-meeting' }, x.meetingTitle)],
      [L('日期', 'Date'), h('span', { class: 'report-time', 'data-closed-at': x.closedAt }, longDate(x.closedAt))],
      [L('表决事项', 'Vote'), x.voteTitle],
      [L('组织单位', 'Organised by'), x.committeeName],
    ]),
    shapedHeading(x.item, s.valid, s.shape === 'recommendation' ? blankLine(s) : null),
    shapedFigures(sheetFigures(x.tally, s)),
    s.shape === 'recommendation' ? recommendationTable(recommendationSheetRows(s), x.item as RecommendationItem) : evaluationTable(evaluationSheet(s).rows, s),
    s.shape === 'recommendation'
      ? h(
          'p',
          { class: 'rule' },
          L(
            '得票率 = 得票数 ÷ 有效票数；名次按得票数排列，票数相同者名次并列，按姓氏笔画排列。',
            'Share = votes ÷ valid ballots; ranked by votes, equal votes share a rank, listed in stroke order.',
          ),
        )
      : h(
          'p',
          { class: 'rule' },
          L(
            `优秀率 = ${(x.item as EvaluationItem).grades[0]!.name}票 ÷ 有效票；称职以上率 = （${(x.item as EvaluationItem).grades[0]!.name} + ${(x.item as EvaluationItem).grades[1]!.name}）÷ 有效票；不称职率 = ${(x.item as EvaluationItem).grades.at(-1)!.name}票 ÷ 有效票（弃权计入有效票）。`,
            'Rates are counts ÷ valid ballots (abstentions count as valid ballots).',
          ),
        ),
    signatureBlock(),
    proofBlock(x.headSeq, x.headHash, x.recordUrl),
  );
}

// ── the composite: #/projector?committee=…&composite=… ───────────────────────────────────────

type Closed = Extract<ChainEntry, { kind: 'vote.closed' }>;
type Published = Extract<ChainEntry, { kind: 'composite.published' }>;

interface VerifiedComposite {
  committeeName: string;
  entry: Published;
  tallies: EvaluationTally[];
  /** Each source vote's title, from its vote.created entry. */
  voteTitles: string[];
}

const canon = (v: unknown) => new TextDecoder().decode(canonicalBytes(v));

/**
 * The composite as the verified chain holds it, checked as an observer would before the screen
 * shows a number: each source is a vote of this committee closed on this chain before the
 * composite, with an evaluation tally in its close, and the published values are exactly
 * computeComposite over those tallies.
 */
async function verifiedComposite(committeeId: string, compositeId: string): Promise<VerifiedComposite> {
  const chain = await verifiedChain(committeeId);
  const entry = chain.find((e): e is Published => e.kind === 'composite.published' && e.body.compositeId === compositeId);
  if (!entry) throw new Error(L('记录中没有这项综合测评。', 'The record holds no such composite.'));
  const committeeName = chain.find((e) => e.kind === 'committee.created')?.body.name ?? '';
  const voteTitles: string[] = [];
  const tallies = entry.body.sources.map((src, i) => {
    const closed = src.head.seq < entry.seq ? chain[src.head.seq] : undefined;
    const t = (closed as Closed | undefined)?.body.tally?.shaped?.[0];
    if (
      src.committeeId !== committeeId ||
      !closed ||
      closed.kind !== 'vote.closed' ||
      closed.hash !== src.head.hash ||
      closed.body.voteId !== src.voteId ||
      t?.shape !== 'evaluation'
    )
      throw new Error(
        L(`测评来源 #${i}（${src.label}）不是本记录中此前结束的民主测评。`, `Source ${i} (${src.label}) is not an evaluation closed earlier in this record.`),
      );
    const created = chain.find((e) => e.kind === 'vote.created' && e.body.definition.voteId === src.voteId);
    voteTitles.push(created?.kind === 'vote.created' ? created.body.definition.title : src.voteId);
    return t;
  });
  if (canon(computeComposite(entry.body, tallies)) !== canon(entry.body.cadres))
    throw new Error(L('综合测评结果与各来源的计票结果重新计算的不一致。', 'The composite differs from what its sources’ results give.'));
  return { committeeName, entry, tallies, voteTitles };
}

/** The composite on the big screen or (report=1) on paper. */
export function mountCompositeProjector(root: HTMLElement, params: URLSearchParams): () => void {
  const committeeId = params.get('committee')!;
  const compositeId = params.get('composite')!;
  const report = params.get('report') === '1';
  const screen = h('div', { class: report ? 'report-page' : 'projector' });
  put(root, screen);
  put(screen, notice('info', L('正在载入…', 'Loading…')));
  let stopPager = () => {};
  let stopped = false;
  void (async () => {
    try {
      await signInIfEnrolled();
      const c = await verifiedComposite(committeeId, compositeId);
      // The sources' meetings and dates, for the heading only: every number is the chain's.
      const sources = await Promise.all(c.entry.body.sources.map((s) => recordGet<TallyReply>(`/v1/votes/${s.voteId}/tally`)));
      const base = report ? await linkBase() : location.origin;
      if (stopped) return;
      const rows = compositeRows(c.entry.body, c.tallies);
      const grades = c.tallies[0]!.grades;
      const sourceList = h(
        'ol',
        { class: 'composite-sources' },
        c.entry.body.sources.map((s, i) =>
          h(
            'li',
            { 'data-weight': s.weight },
            h('strong', null, s.label),
            L(`，权重 ${s.weight}%：`, `, weight ${s.weight}%: `),
            `${c.voteTitles[i]}（${sources[i]!.meetingTitle}，${longDate(sources[i]!.closedAt)}，${L(`有效票 ${c.tallies[i]!.valid} 张`, `${c.tallies[i]!.valid} valid ballots`)}）`,
          ),
        ),
      );
      const back = `#/projector?committee=${committeeId}&composite=${compositeId}`;
      if (report) {
        put(
          screen,
          h(
            'article',
            { class: 'report sheet composite' },
            h('h1', null, L('三元测评综合结果汇总表', '三元测评: composite results')),
            meta([
              [L('测评名称', 'Evaluation'), c.entry.body.title],
              [L('组织单位', 'Organised by'), c.committeeName],
            ]),
            sourceList,
            compositeTable(rows, c.entry.body),
            compositeRule(c.entry.body, grades),
            signatureBlock(),
            proofBlock(c.entry.seq, c.entry.hash, `${base}/v1/committees/${committeeId}/composites/${compositeId}`),
          ),
          h(
            'div',
            { class: 'row no-print' },
            h('button', { type: 'button', class: 'primary print', onclick: () => window.print() }, L('打印', 'Print')),
            h('a', { class: 'button', href: back }, L('返回大屏', 'Back to the screen')),
          ),
        );
        return;
      }
      const tableHost = h('div', { class: 'sheet-pages' });
      put(
        screen,
        h('header', { class: 'projector-head' }, h('div', { class: 'committee' }, c.committeeName), h('h1', null, c.entry.body.title)),
        h('div', { class: 'banner result', 'data-state': 'result', role: 'status' }, L('三元测评综合结果', 'Composite result')),
        sourceList,
        h('section', { class: 'result-item shaped composite' }, tableHost),
        compositeRule(c.entry.body, grades),
        h(
          'p',
          { class: 'result-head' },
          L(`记录链头 第 ${c.entry.seq} 条 · `, `Record head, entry ${c.entry.seq} · `),
          h('code', { 'data-head-hash': c.entry.hash }, headDigits(c.entry.hash)),
        ),
        h('div', { class: 'row no-print' }, h('a', { class: 'button', href: `${back}&report=1` }, L('综合结果汇总表（打印）', 'Result sheet (print)'))),
      );
      stopPager = pagedTables(tableHost, rows, (r) => compositeTable(r, c.entry.body), 1);
    } catch (e) {
      if (!stopped) put(screen, notice('error', errorText(e)));
    }
  })();
  return () => {
    stopped = true;
    stopPager();
  };
}

/** The composites on the verified chain that draw on this vote: links from its result to theirs. */
export function compositesOf(chain: readonly ChainEntry[], voteId: string): { compositeId: string; title: string }[] {
  return chain
    .filter((e): e is Published => e.kind === 'composite.published' && e.body.sources.some((s) => s.voteId === voteId))
    .map((e) => ({ compositeId: e.body.compositeId, title: e.body.title }));
}
