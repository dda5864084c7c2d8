// An item's result in one sentence, as the chair reads it out and the report prints it: who
// passed (通过 for 等额, 当选 for 差额), a tie that needs a run-off, and any seat left vacant (缺额).
import type { VoteDefinition } from '../protocol/ballot.ts';
import type { ItemTally } from '../protocol/tally.ts';
import { L } from './i18n.ts';

export function describeOutcome(defItem: VoteDefinition['items'][number], it: ItemTally): { sentence: string; vacancies: number } {
  const name = (id: string) => defItem.candidates.find((c) => c.candidateId === id)?.name ?? id;
  const by = (outcome: string) => it.candidates.filter((c) => c.outcome === outcome).map((c) => name(c.candidateId));
  const sep = L('、', ', ');
  const elected = by('elected');
  const tied = by('undecided');
  // 缺额: seats no candidate filled and no run-off will fill.
  const vacancies = Math.max(0, it.seats - elected.length - it.undecidedSeats);
  const parts: string[] = [];
  if (it.kind === 'confirmation') {
    if (elected.length > 0) parts.push(L(`通过：${elected.join(sep)}`, `Approved: ${elected.join(sep)}`));
    const rejected = by('not_elected');
    if (rejected.length > 0) parts.push(L(`未通过：${rejected.join(sep)}`, `Not approved: ${rejected.join(sep)}`));
  } else {
    parts.push(elected.length > 0 ? L(`当选：${elected.join(sep)}`, `Elected: ${elected.join(sep)}`) : L('无人当选', 'No one elected'));
  }
  if (tied.length > 0) {
    const n = it.undecidedSeats;
    parts.push(L(`${tied.join(sep)} 票数相同，须再次票决 ${n} 名`, `${tied.join(sep)} tied: a run-off for ${n} seat${n > 1 ? 's' : ''}`));
  }
  if (vacancies > 0) parts.push(L(`缺额 ${vacancies} 名`, `${vacancies} seat${vacancies > 1 ? 's' : ''} left vacant`));
  return { sentence: `${defItem.post}${L('：', ': ')}${parts.join(L('；', '; '))}${L('。', '.')}`, vacancies };
}
