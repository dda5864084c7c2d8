// The address that enrolment links, QR codes and the report carry: the service's configured
// public address (PIAOJUE_PUBLIC_URL), else the one this browser used.
import { addressProblem, addressProblemText } from '../public-url.ts';
import { publicGet } from './api.ts';
import { h } from './dom.ts';
import { L } from './i18n.ts';
import { notice } from './ui.ts';

let base: Promise<string> | undefined;

export function linkBase(): Promise<string> {
  base ??= publicGet<{ publicUrl: string | null }>('/v1/site').then(
    (s) => s.publicUrl ?? location.origin,
    () => {
      base = undefined; // ask again next time
      return location.origin;
    },
  );
  return base;
}

/** A warning for the administrator when links would send phones somewhere they cannot use. */
export function addressWarning(url: string): HTMLElement | null {
  const problem = addressProblem(url);
  if (!problem) return null;
  const text = addressProblemText(problem, url);
  return h('div', { class: 'address-warning', 'data-problem': problem }, notice('warn', L(text.zh, text.en)));
}
