// The words for a result, in Chinese and English, as the web pages, `piaojue demo` and
// `piaojue verify` all print them: 当选/未当选 for 差额 (differential) items, 通过/未通过 for 等额
// (confirmation); 差额 · 应选 N 名 / 等额 · N 名 for the kind. Pure (no DOM), so the CLI and the pages share it.
import type { Outcome } from '../protocol/tally.ts';

export type ItemKind = 'confirmation' | 'differential';

export interface Words {
  zh: string;
  en: string;
}

export function outcomeWords(outcome: Outcome, kind: ItemKind): Words {
  if (outcome === 'undecided') return { zh: '票数相同，须再次票决', en: 'Tie: run-off needed' };
  if (kind === 'confirmation') return outcome === 'elected' ? { zh: '通过', en: 'Approved' } : { zh: '未通过', en: 'Not approved' };
  return outcome === 'elected' ? { zh: '当选', en: 'Elected' } : { zh: '未当选', en: 'Not elected' };
}

export function kindWords(kind: ItemKind, seats: number): Words {
  const en = `${kind === 'confirmation' ? 'Confirmation' : 'Differential'} · ${seats} seat${seats > 1 ? 's' : ''}`;
  return kind === 'confirmation' ? { zh: `等额 · ${seats} 名`, en } : { zh: `差额 · 应选 ${seats} 名`, en };
}

/** Both languages on one line, for the command line: 当选 / Elected. */
export function bilingual(w: Words): string {
  return `${w.zh} / ${w.en}`;
}
