// Chinese first, English on request. Strings sit where they are used, as L('中文', 'English'):
// a reader sees both at once and no key table drifts out of step.
import type { Mark } from '../protocol/ballot.ts';
import type { Outcome } from '../protocol/tally.ts';
import { kindWords, outcomeWords, type ItemKind } from './outcome-words.ts';

export type Lang = 'zh' | 'en';

const STORAGE_KEY = 'piaojue.lang';

export function currentLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function setLang(lang: Lang): void {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export function L(zh: string, en: string): string {
  return currentLang() === 'en' ? en : zh;
}

export function markLabel(mark: Mark): string {
  switch (mark) {
    case 'approve':
      return L('同意', 'Approve');
    case 'disapprove':
      return L('不同意', 'Disapprove');
    case 'abstain':
      return L('弃权', 'Abstain');
    case 'defer':
      return L('缓议', 'Defer');
  }
}

export function outcomeLabel(outcome: Outcome, kind: ItemKind): string {
  const w = outcomeWords(outcome, kind);
  return L(w.zh, w.en);
}

export function kindLabel(kind: ItemKind, seats: number): string {
  const w = kindWords(kind, seats);
  return L(w.zh, w.en);
}

export function stateLabel(state: 'draft' | 'open' | 'confirming' | 'countersigning' | 'closed'): string {
  if (state === 'draft') return L('未开始', 'Not open');
  if (state === 'open') return L('投票中', 'Voting');
  if (state === 'confirming') return L('计票确认中', 'Members confirming');
  if (state === 'countersigning') return L('监票人签字中', 'Inspectors countersigning');
  return L('已结束', 'Closed');
}
