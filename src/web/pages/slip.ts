// The participant's phone page (issue 15), opened from a printed slip's QR code:
// `#/slip/pjp_…`. The code (in the fragment, never sent in a URL) is spent once for a
// participant credential, kept on the phone; the code then leaves the address bar, so a reload
// continues with the credential and a shared screenshot shows no code. Then, per open vote of
// the meeting, a blind token (taken on the phone), the ballot, the review, and the cast through
// the same outbox as a member's (src/web/slip-flow.ts): a cast survives a reload or a lost
// network and is re-sent until it has its receipt. With no vote open the page waits and polls.
import { randomBytes } from '../../client/random.ts';
import type { VoteRecord } from '../../protocol/chain.ts';
import { ApiError, castBallotAnonymously, participantApi, recordGet, redeemSlipCode } from '../api.ts';
import { h, put } from '../dom.ts';
import { L, stateLabel } from '../i18n.ts';
import { checkHeldRecord, headDigits, openingRecord, serviceKeys } from '../record.ts';
import { shapedItem, SlipFlow, SlipFlowError, type ParticipantVote, type SlipVote } from '../slip-flow.ts';
import { loadParticipant, loadRedeemNonce, loadSlipVote, saveParticipant, saveRedeemNonce, saveSlipVote, type StoredParticipant } from '../store.ts';
import { errorText, notice, poll, renderVoteCards, shortHash, type VoteCards } from '../ui.ts';
import { evaluationBallot, recommendationBallot, slipReview } from './slip/ballot.ts';

const REFRESH_MS = 2000;

export function mountSlip(root: HTMLElement, params: URLSearchParams): () => void {
  const flow: SlipFlow = new SlipFlow({
    redeem: redeemSlipCode,
    api: participantApi,
    castBallot: castBallotAnonymously,
    // The meeting's votes' own records, read with the credential (a restricted committee's chain is closed to a participant).
    record: {
      openingRecord: (committeeId, voteId) => openingRecord(committeeId, voteId, flow.participant?.credential),
      readVoteRecord: (voteId): Promise<VoteRecord> => recordGet(`/v1/votes/${voteId}/record`, credentialOf(flow.participant)),
      checkVoteRecord: (record, committeeId, voteId) => Promise.resolve(void checkHeldRecord(record, committeeId, voteId, 'vote.closed')),
      serviceKeys,
    },
    storage: {
      loadParticipant,
      saveParticipant,
      loadRedeemNonce,
      saveRedeemNonce,
      load: (voteId, owner) => loadSlipVote<SlipVote>(voteId, owner),
      save: saveSlipVote,
    },
    randomBytes,
    explain: problemText,
    onChange: () => render(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  const head = h('section', { class: 'card slip-head' });
  const list = h('div', { class: 'votes' });
  put(root, h('div', { class: 'slip member' }, head, list));
  const cards: VoteCards = new Map();
  const queries = new Map<string, string>();
  let reviewing: string | undefined;
  let started = false;
  let stopPoll: (() => void) | undefined;
  let stopped = false;

  function problemText(e: unknown): string {
    if (e instanceof SlipFlowError) {
      if (e.code === 'credential_expired')
        return L(
          '参会凭证已过期（凭条有效期为 4 小时），请向会务人员询问。',
          'The participant credential has expired (a slip is good for 4 hours); ask the meeting staff.',
        );
      if (e.code === 'not_in_record') return L('公开记录中还没有这项表决，请稍候。', 'This vote is not in the public record yet; please wait.');
      return L(
        '服务提供的表决公钥与公开记录不一致，本手机拒绝领票。请告知监票人。',
        'The vote key served differs from the public record; this phone refuses the token. Tell the inspectors.',
      );
    }
    if (e instanceof ApiError && (e.code === 'token_invalid' || e.code === 'unauthenticated'))
      return L('参会凭证已失效，请向会务人员询问。', 'The participant credential is no longer valid; ask the meeting staff.');
    return errorText(e);
  }

  function renderHead(): void {
    const n = flow.notice;
    const tokens = flow.votes.filter((v) => flow.local.get(v.id)?.token).length;
    const open = flow.votes.filter((v) => v.state === 'open' && !flow.local.get(v.id)?.ballot);
    let status: HTMLElement | null = null;
    // A redeem whose answer did not come is sent again by itself (slip-flow.ts): a plain line, not the error.
    if (n?.kind === 'reconnecting')
      status = h(
        'p',
        { class: 'notice info slip-reconnecting', role: 'status', 'data-code': codeOf(n.error) },
        L('正在重新连接…凭条会自动重新提交，无需刷新页面。', 'Reconnecting… the slip is sent again by itself; no need to reload.'),
      );
    else if (!started) status = h('p', { class: 'notice info', role: 'status' }, L('正在读取凭条…', 'Reading the slip…'));
    else if (flow.participant && flow.loaded)
      status =
        open.length === 0
          ? h(
              'p',
              { class: 'notice info waiting', role: 'status' },
              flow.votes.length > 0 && flow.votes.every((v) => v.state !== 'draft' && v.state !== 'open')
                ? L('本次会议的表决已结束。', 'The votes of this meeting are closed.')
                : flow.votes.some((v) => flow.local.get(v.id)?.ballot)
                  ? L(
                      '您的选票已投出。如有下一项表决，开始后会自动显示在这里。',
                      'Your ballot is cast. A next vote, if any, appears here by itself once it opens.',
                    )
                  : L(
                      '凭条有效。等待投票开始，开始后选票会自动显示在这里。',
                      'The slip is valid. Waiting for the vote to open; the ballot appears here by itself.',
                    ),
            )
          : h(
              'p',
              { class: 'signin-state ok' },
              L(`凭条有效 · 本手机已领取 ${tokens} 张选票`, `Slip valid · ${tokens} ballot${tokens === 1 ? '' : 's'} on this phone`),
            );
    put(
      head,
      h('h1', { class: 'page-title' }, L('参会人员投票', 'Participant’s ballot')),
      status,
      n?.kind === 'redeem_failed' ? h('p', { class: 'notice error slip-refused', role: 'alert', 'data-code': codeOf(n.error) }, problemText(n.error)) : null,
      n?.kind === 'no_slip'
        ? notice('info', L('请用手机扫描参会凭条上的二维码打开本页。', 'Open this page by scanning the QR code on your participation slip.'))
        : null,
      n?.kind === 'error' ? notice('error', problemText(n.error)) : null,
    );
  }

  function render(): void {
    if (stopped) return;
    renderHead();
    renderVoteCards(list, cards, flow.votes, cardKey, (vote) => voteCard(vote, flow.local.get(vote.id)));
  }

  /** Everything a vote's card shows: the card is drawn again when this changes. */
  function cardKey(vote: ParticipantVote): unknown[] {
    const v = flow.local.get(vote.id);
    const f = flow.failures.get(vote.id);
    return [
      document.documentElement.lang,
      vote.state,
      Boolean(v?.token),
      Boolean(v?.ballot),
      v?.receipt ?? null,
      v?.counted ?? null,
      v?.refused ?? null,
      flow.busy.has(vote.id),
      f ? [f.code, problemText(f.error)] : null,
      reviewing === vote.id ? v?.draft : null,
    ];
  }

  function voteCard(vote: ParticipantVote, v: SlipVote | undefined): HTMLElement {
    const card = h(
      'section',
      { class: `card vote slip-vote state-${vote.state}`, 'data-vote-id': vote.id, 'data-state': vote.state, 'aria-labelledby': `title-${vote.id}` },
      h(
        'div',
        { class: 'vote-title' },
        h('h2', { id: `title-${vote.id}` }, vote.definition.title),
        h('span', { class: `badge ${vote.state}` }, stateLabel(vote.state)),
      ),
    );
    const status = (kind: 'error' | 'ok' | 'info' | 'warn', text: string, cls = '', role: 'status' | 'alert' = 'status') =>
      h('p', { class: `notice ${kind} ${cls}`, role }, text);
    const failure = flow.failures.get(vote.id);
    if (v?.receipt) {
      card.append(
        status('ok', L('✓ 已投出。回执已保存在本手机上。', '✓ Cast. The receipt is kept on this phone.'), 'voted'),
        h('p', { class: 'hash' }, L('选票指纹 ', 'Ballot hash '), h('code', null, shortHash(v.ballotHash ?? ''))),
      );
      if (vote.state === 'closed' && v.counted === true)
        card.append(
          status(
            'ok',
            L('✓ 您的选票已计入：在公开记录中找到，且与回执一致。', '✓ Your ballot is counted: it is in the public record and matches the receipt.'),
            'counted',
          ),
        );
      else if (vote.state === 'closed' && v.counted === false)
        card.append(
          status(
            'error',
            L('✗ 公开记录中没有找到您的选票！请立即告知监票人。', '✗ Your ballot is NOT in the public record! Tell the inspectors now.'),
            'not-counted',
            'alert',
          ),
        );
      if (v.closedHead)
        card.append(
          h(
            'p',
            { class: 'result-head' },
            L(`记录链头 第 ${v.closedHead.seq} 条 · `, `Record head, entry ${v.closedHead.seq} · `),
            h('code', { 'data-head-hash': v.closedHead.hash }, headDigits(v.closedHead.hash)),
            h('span', { class: 'hint' }, L('（应与大屏上的相同）', ' (must match the projector)')),
          ),
        );
      if (vote.state === 'closed')
        card.append(
          h(
            'a',
            {
              class: 'link record-link',
              // The meeting named, not the credential: the observer page reads the record with the one kept on this phone.
              href: `#/observer?record=${encodeURIComponent(`/v1/votes/${vote.id}/record`)}&meeting=${encodeURIComponent(vote.definition.meetingId)}`,
            },
            L('查看并验证计票记录 →', 'See and verify the record →'),
          ),
        );
    } else if (v?.ballot) {
      card.append(outboxStatus(vote, v));
    } else if (vote.state === 'closed' || vote.state === 'confirming' || vote.state === 'countersigning') {
      card.append(status('info', L('表决已结束。', 'This vote is closed.')));
    } else if (vote.state === 'draft') {
      card.append(status('info', L('等待投票开始…', 'Waiting for the vote to open…'), 'waiting'));
    } else if (!v?.token) {
      card.append(status('info', flow.busy.has(vote.id) ? L('正在领取选票…', 'Fetching your ballot…') : L('等待领取选票…', 'Waiting for your ballot…')));
      if (failure) card.append(notice('error', problemText(failure.error)));
    } else {
      const item = shapedItem(v.definition);
      if (reviewing === vote.id) {
        card.append(
          slipReview(vote.id, item, v.draft, {
            back: () => ((reviewing = undefined), render()),
            cast: () => {
              reviewing = undefined;
              void flow.cast(vote.id);
            },
          }),
        );
      } else {
        const wiring = {
          cells: () => flow.local.get(vote.id)?.draft?.[item.itemId],
          setCell: (candidateId: string, cell: string | undefined) => void flow.setCell(vote.id, item.itemId, candidateId, cell),
          query: { get: () => queries.get(vote.id) ?? '', set: (q: string) => void queries.set(vote.id, q) },
          review: () => {
            if (!flow.canCast(vote.id)) return;
            reviewing = vote.id;
            render();
            cards.get(vote.id)?.el.querySelector<HTMLElement>('button.confirm-cast')?.focus();
          },
        };
        card.append(item.shape === 'recommendation' ? recommendationBallot(vote.id, item, wiring) : evaluationBallot(vote.id, item, wiring));
      }
    }
    return card;
  }

  /** The outbox, plainly: 正在投出… / 未能投出 (retrying by itself) / 未能投出 (refused for good). */
  function outboxStatus(vote: ParticipantVote, v: SlipVote): HTMLElement {
    if (v.refused)
      return h('p', { class: 'notice error outbox', 'data-outbox': 'refused', role: 'alert' }, L(`未能投出：${v.refused.text}`, `Not cast: ${v.refused.text}`));
    if (vote.state !== 'open')
      return h(
        'p',
        { class: 'notice error outbox', 'data-outbox': 'refused', role: 'alert' },
        L('未能投出：表决已结束，这张选票未能送达。请告知监票人。', 'Not cast: the vote closed before this ballot arrived. Tell the inspectors.'),
      );
    const failure = flow.failures.get(vote.id);
    if (flow.busy.has(vote.id) || !failure)
      return h('p', { class: 'notice info outbox', 'data-outbox': 'sending', role: 'status' }, L('正在投出…', 'Casting…'));
    const why = failure.code === 'network' ? L('暂时连不上服务。', 'the service cannot be reached right now.') : problemText(failure.error);
    return h(
      'p',
      { class: 'notice warn outbox', 'data-outbox': 'retrying', role: 'status' },
      L(
        `未能投出：${why}选票保存在本手机上，恢复后自动重新投出，无需再次操作。`,
        `Not cast yet: ${why} The ballot is kept on this phone and is sent again by itself once the service is reachable; nothing to do.`,
      ),
    );
  }

  const code = params.get('code') ?? undefined;
  render();
  void flow.start(code).then((ok) => {
    started = true;
    // The code leaves the address bar once this phone holds the credential it gave (a reload
    // continues with the credential; a refused code stays, so the participant can read it out).
    if (ok && code !== undefined) history.replaceState(null, '', `${location.pathname}${location.search}#/slip`);
    render();
    if (!stopped && flow.participant) stopPoll = poll(() => flow.refresh(), REFRESH_MS);
  });
  const online = () => {
    flow.retryNow();
    void flow.refresh();
  };
  window.addEventListener('online', online);
  return () => {
    stopped = true;
    flow.stop();
    stopPoll?.();
    window.removeEventListener('online', online);
  };
}

function credentialOf(p: StoredParticipant | undefined): { participant?: string } {
  return p ? { participant: p.credential } : {};
}

function codeOf(e: unknown): string {
  return e instanceof ApiError ? e.code : 'failed';
}
