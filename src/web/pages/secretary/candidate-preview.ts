// The committee vote form's candidate list: read as typed (names only, or one per line with
// posts) and previewed in stroke order with the checks a secretary needs before saving.
import { itemKind, minimumCandidates } from '../../../protocol/ballot.ts';
import { parseNameList, sortNames } from '../../../collation/index.ts';
import { h, put } from '../../dom.ts';
import { parseCandidateLines, type CandidateLines } from '../../candidate-lines.ts';
import { candidatePosts } from '../../posts.ts';
import { kindLabel, L } from '../../i18n.ts';
import type { Committee } from '../../types.ts';
import { notice } from '../../ui.ts';

/** The candidates of one item as typed: names only, or one per line with posts (candidate-lines.ts). */
export function candidatesOf(text: string, withPosts: boolean): CandidateLines {
  return withPosts ? parseCandidateLines(text) : { candidates: parseNameList(text).map((name) => ({ name })), badLines: [] };
}

export function renderPreview(el: HTMLElement, list: CandidateLines, seats: number, itemPost: string, c: Committee): void {
  const names = list.candidates.map((x) => x.name);
  if (names.length === 0 && list.badLines.length === 0) {
    put(el, h('p', { class: 'hint' }, L('粘贴姓名后，此处按姓氏笔画顺序预览。', 'Paste names to preview them in stroke order here.')));
    return;
  }
  const sorted = sortNames(names, c.rules.collation);
  const kind = itemKind({ seats, candidates: names.map((n) => ({ candidateId: n, name: n })) });
  const warnings: HTMLElement[] = [];
  if (list.badLines.length > 0) {
    warnings.push(
      notice(
        'error',
        L(
          `第 ${list.badLines.join('、')} 行不是“姓名 现任职务 拟任职务”：职务中有空格时，请从表格复制（以制表符分列）。`,
          `Line ${list.badLines.join(', ')}: not “name current-post proposed-post”; when a post holds spaces, paste table columns (tab-separated).`,
        ),
      ),
    );
  }
  if (names.length < seats) warnings.push(notice('error', L('候选人少于应选人数。', 'Fewer candidates than seats.')));
  else if (kind === 'differential' && names.length < minimumCandidates(seats, c.rules.minCandidateRatio)) {
    warnings.push(
      notice(
        'error',
        L(
          `差额：${seats} 个名额至少需要 ${minimumCandidates(seats, c.rules.minCandidateRatio)} 名候选人（1 : ${c.rules.minCandidateRatio}）。`,
          `Differential: ${seats} seats need at least ${minimumCandidates(seats, c.rules.minCandidateRatio)} candidates (1 : ${c.rules.minCandidateRatio}).`,
        ),
      ),
    );
  }
  if (new Set(names).size !== names.length) warnings.push(notice('warn', L('有重复的姓名。', 'A name appears twice.')));
  if (sorted.unknownCharacters.length > 0) {
    warnings.push(
      notice(
        'warn',
        L(
          `以下字无笔顺数据，按总笔画排列：${sorted.unknownCharacters.join(' ')}`,
          `No stroke data for: ${sorted.unknownCharacters.join(' ')} (placed by stroke count)`,
        ),
      ),
    );
  }
  // Each name keeps its own posts through the sort, as the service stores them.
  const byName = new Map(list.candidates.map((x) => [x.name, x]));
  put(
    el,
    h('p', { class: 'hint' }, L('按姓氏笔画排列（选票上的顺序）', 'In surname stroke order (as on the ballot)'), ' · ', kindLabel(kind, seats)),
    h(
      'ol',
      { class: 'sorted-names' },
      sorted.names.map((n) => {
        const x = byName.get(n);
        return h(
          'li',
          { 'data-candidate': n },
          n,
          x ? candidatePosts({ post: itemPost || L('（本项职务）', '(this item’s post)') }, { candidateId: n, ...x }) : null,
        );
      }),
    ),
    warnings,
  );
}
