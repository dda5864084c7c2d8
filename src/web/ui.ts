// Pieces several pages share: messages in the page's language, polling, short hashes, vote cards
// redrawn by key. Signing in is src/web/signed-in.ts.
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

/** The cards of a list of votes by vote id, each with the key it was drawn for. */
export type VoteCards = Map<string, { el: HTMLElement; key: string }>;

/**
 * Redraws a list of vote cards by key: a card is drawn again only when its key (everything it
 * shows, as JSON) changed, so a card being read or typed into is not replaced by a refresh that
 * changed nothing on it; cards of votes gone are removed. The open votes come first (the ballot
 * is one tap away on a phone), then the others in the meeting's order; the list is reordered
 * only when that order changed.
 */
export function renderVoteCards<V extends { id: string; state: string }>(
  list: HTMLElement,
  cards: VoteCards,
  votes: readonly V[],
  keyOf: (vote: V) => unknown[],
  draw: (vote: V) => HTMLElement,
): void {
  const seen = new Set<string>();
  for (const vote of votes) {
    seen.add(vote.id);
    const key = JSON.stringify(keyOf(vote));
    const old = cards.get(vote.id);
    if (old?.key === key) continue;
    const el = draw(vote);
    if (old) old.el.replaceWith(el);
    cards.set(vote.id, { el, key });
  }
  for (const [id, c] of cards) {
    if (seen.has(id)) continue;
    c.el.remove();
    cards.delete(id);
  }
  const order = [...votes.filter((v) => v.state === 'open'), ...votes.filter((v) => v.state !== 'open')].map((v) => cards.get(v.id)!.el);
  if (order.some((el, i) => list.children[i] !== el)) list.replaceChildren(...order);
}
