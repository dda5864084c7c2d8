// The set-up every signed-in page shares (admin, secretary, member): sign in with this browser's
// device — or show the enrolment form, with the code from a slip's link filled in — and only
// then run the page; leaving the page before sign-in finishes runs nothing.
import type { Session } from './api.ts';
import type { PageMount } from './main.ts';
import { signIn } from './ui.ts';

/** What a signed-in page does once it has a session; returns what stops its timers. */
export type SignedInPage = (root: HTMLElement, session: Session, params: URLSearchParams) => () => void;

export function signedInPage(run: SignedInPage): PageMount {
  return (root, params) => {
    let stop: (() => void) | undefined;
    let gone = false;
    root.append(
      signIn((s) => {
        if (gone) return;
        stop = run(root, s, params);
      }, params.get('code') ?? ''),
    );
    return () => {
      gone = true;
      stop?.();
    };
  };
}
