// 现任职务 / 拟任职务 under a candidate's name (issue 11), on the ballot, the projector and the
// printed report. Nothing is shown for a candidate without posts (every older vote).
import { proposedPostOf, type Candidate, type VoteItem } from '../protocol/ballot.ts';
import { h } from './dom.ts';
import { L } from './i18n.ts';

export function hasPosts(c: Candidate): boolean {
  return c.currentPost !== undefined || c.proposedPost !== undefined;
}

export function candidatePosts(item: Pick<VoteItem, 'post'>, c: Candidate): HTMLElement | null {
  if (!hasPosts(c)) return null;
  return h(
    'span',
    { class: 'posts' },
    c.currentPost !== undefined ? h('span', { class: 'current-post' }, L('现任：', 'Current post: '), c.currentPost) : null,
    h('span', { class: 'proposed-post' }, L('拟任：', 'Proposed post: '), proposedPostOf(item, c)),
  );
}
