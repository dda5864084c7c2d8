// Pieces several pages share: messages in the page's language, polling, short hashes. Signing in
// is src/web/signed-in.ts.
import { ApiError } from './api.ts';
import { h } from './dom.ts';
import { L } from './i18n.ts';
import { messageFor } from './messages.ts';

/**
 * One message in the page's language that says what to do next (messages.ts), never the API's
 * English detail appended to a Chinese page. A code this client does not know yet shows the
 * problem's title in the page's language.
 */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'network') return L('无法连接服务，请检查网络后重试。', 'Cannot reach the service; check the network and try again.');
    const known = messageFor(e.code);
    if (known) return L(...known);
    const [zh, en] = e.title.split(' / ');
    return L(zh ?? e.title, en ?? e.title);
  }
  return e instanceof Error ? e.message : String(e);
}

export function notice(kind: 'error' | 'ok' | 'info' | 'warn', text: string): HTMLElement {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** Calls fn now and then every `ms` until stopped; a slow call is never overlapped by the next. */
export function poll(fn: () => Promise<void> | void, ms: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      await fn();
    } catch (e) {
      console.warn('poll', e);
    }
    if (!stopped) timer = setTimeout(() => void tick(), ms);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export function shortHash(hash: string): string {
  return `${hash.slice(0, 8)}…${hash.slice(-8)}`;
}
