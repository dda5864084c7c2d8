// The close on a member's phone (version 2): whether this device's ballot is in the prepared
// close, and for a 监票人 the sealed close in human terms with the verifier's verdict, run here in
// the verifier worker, and the signature offered only once every check passed.
import type { VerificationReport } from '../../../protocol/verifier.ts';
import { h } from '../../dom.ts';
import { L } from '../../i18n.ts';
import { auditKey, type Audit } from '../../member-flow.ts';
import { describeOutcome } from '../../outcome.ts';
import type { StoredVote } from '../../store.ts';
import type { Closing, Vote } from '../../types.ts';
import { errorText } from '../../ui.ts';
import type { VerifyMessage, VerifyRequest } from '../../verify-worker.ts';
import { startVerifier, verifierPool } from '../../verifier.ts';

/** Why the inspector's check failed, in the page's words. */
export function auditProblem(problem: NonNullable<Audit['problem']>): string {
  if (problem.code === 'failed') return errorText(problem.error);
  return problem.code === 'prepared_hash'
    ? L('计票数据与其哈希不符。', 'The prepared close does not match its hash.')
    : L('提交签字的数据与其哈希不符。', 'The sealed close does not match its hash.');
}

/** While the close is in progress: is this device's ballot in it, and did the device confirm? */
export function closeCheck(vote: Vote, v: StoredVote): HTMLElement {
  if (v.missingFromClose) {
    return h(
      'div',
      { class: 'notice error not-in-close', role: 'alert' },
      h('strong', null, L('✗ 本人选票不在计票结果中，请立即告知监票人。', '✗ Your ballot is NOT in the count. Tell the inspectors now.')),
      h(
        'p',
        null,
        L(
          '本设备未予确认。回执仍保存在本设备上，可供监票人核对。',
          'This device did not confirm. The receipt is still kept on this device for the inspectors to check.',
        ),
      ),
    );
  }
  if (v.confirmedClose) {
    return h(
      'p',
      { class: 'notice ok confirmed-in-close' },
      L('✓ 已确认本人选票在列：计票结果中有您的选票，内容未变。', '✓ Confirmed: your ballot is in the count, unchanged.'),
    );
  }
  if (vote.state === 'confirming')
    return h('p', { class: 'notice info checking-close' }, L('正在核对计票结果中的本人选票…', 'Looking for your ballot in the count…'));
  return h('p', { class: 'notice info' }, L('计票结果已提交监票人签字。', 'The count is with the inspectors for signature.'));
}

/**
 * 监票人: the sealed close in human terms, the verifier's verdict on it (run here), and the
 * signature — offered only once every check passed.
 */
export function inspectorPanel(
  vote: Vote,
  view: Closing,
  at: { audit: Audit | undefined; personId: string; busy: boolean; countersign: () => void },
): HTMLElement {
  const t = view.prepared.tally;
  const audit = at.audit;
  const signed = view.countersignedBy.includes(at.personId);
  const ballots = view.prepared.ballots.length;
  const confirmed = view.confirmations.length;
  const current = audit && audit.key === auditKey(view) ? audit : undefined;
  const ok = Boolean(current && !current.running && current.report?.ok && current.localSeal === view.sealHash);
  let verdict: HTMLElement;
  if (!current || current.running) {
    verdict = h('p', { class: 'notice info verify-running', 'data-ok': 'pending' }, L('正在本机核验计票结果…', 'Verifying the count on this phone…'));
  } else if (current.problem) {
    verdict = h(
      'p',
      { class: 'notice error verify-failed', 'data-ok': 'false', role: 'alert' },
      L(
        `✗ 核验未通过：${auditProblem(current.problem)}请勿签字，请告知秘书。`,
        `✗ Verification failed: ${auditProblem(current.problem)} Do not sign; tell the secretary.`,
      ),
    );
  } else if (ok) {
    verdict = h(
      'p',
      { class: 'notice ok verify-ok', 'data-ok': 'true' },
      L(
        `✓ 本机核验通过：${current.report!.checks.length} 项检查全部通过（与公开记录验证使用同一验证程序）。`,
        `✓ Verified on this phone: all ${current.report!.checks.length} checks pass (the same verifier as for the public record).`,
      ),
    );
  } else {
    const failed = current.report?.checks.filter((c) => !c.ok) ?? [];
    verdict = h(
      'div',
      { class: 'notice error verify-failed', 'data-ok': 'false', role: 'alert' },
      h(
        'strong',
        null,
        L(
          `✗ 核验未通过：${failed.length} 项检查未通过。请勿签字，请告知秘书。`,
          `✗ Verification failed: ${failed.length} check${failed.length === 1 ? '' : 's'} failed. Do not sign; tell the secretary.`,
        ),
      ),
      h(
        'ul',
        null,
        failed.map((c) => h('li', { 'data-check': c.id }, L(`${c.zh}：${c.detailZh}`, `${c.en}: ${c.detail}`))),
      ),
    );
  }
  const busyNow = at.busy;
  return h(
    'section',
    { class: 'inspector-panel', 'data-vote-id': vote.id, 'aria-labelledby': `inspect-${vote.id}` },
    h('h4', { id: `inspect-${vote.id}` }, L('监票人核验', 'Inspector’s check')),
    h(
      'p',
      { class: 'close-figures' },
      L(
        `应到 ${t.entitled} · 实到 ${t.present} · 发出 ${t.issued} · 收回 ${t.returned}`,
        `Entitled ${t.entitled} · present ${t.present} · issued ${t.issued} · returned ${t.returned}`,
      ),
    ),
    h(
      'p',
      { class: 'close-confirmations', 'data-confirmations': confirmed },
      L(`投票委员确认本人选票在列：${confirmed} 张（收回 ${ballots} 张）`, `Members who confirmed their ballot is in: ${confirmed} (of ${ballots} returned)`),
    ),
    view.decision
      ? h(
          'p',
          { class: 'notice warn close-decision' },
          L(
            `秘书决定：${view.decision.unconfirmed} 张选票未获确认，照常提交。原因：${view.decision.reason}`,
            `Secretary’s decision: ${view.decision.unconfirmed} ballot${view.decision.unconfirmed === 1 ? '' : 's'} unconfirmed, sent on. Reason: ${view.decision.reason}`,
          ),
        )
      : null,
    vote.definition.items.map((item) => {
      const it = t.items.find((x) => x.itemId === item.itemId);
      if (!it) return null;
      return h(
        'div',
        { class: 'close-item' },
        h('p', { class: 'item-outcome' }, describeOutcome(item, it).sentence),
        h(
          'ul',
          { class: 'close-candidates' },
          it.candidates.map((c) =>
            h(
              'li',
              { 'data-candidate': c.name },
              `${c.name}：`,
              L(`同意 ${c.approve} · 不同意 ${c.disapprove} · 弃权 ${c.abstain}`, `approve ${c.approve} · disapprove ${c.disapprove} · abstain ${c.abstain}`),
              c.defer > 0 ? L(` · 缓议 ${c.defer}`, ` · defer ${c.defer}`) : '',
            ),
          ),
        ),
        h('p', { class: 'hint' }, L(`有效 ${it.valid} · 无效 ${it.invalid}`, `Valid ${it.valid} · invalid ${it.invalid}`)),
      );
    }),
    verdict,
    signed
      ? h('p', { class: 'notice ok countersigned' }, L('✓ 您已签字确认。', '✓ You have signed.'))
      : h(
          'button',
          { type: 'button', class: 'primary big countersign', disabled: !ok || busyNow, onclick: at.countersign },
          busyNow ? L('正在签字…', 'Signing…') : L('签字确认', 'Sign'),
        ),
    signed
      ? null
      : h(
          'p',
          { class: 'hint' },
          L(
            '签字即确认：以上计票结果经本机核验无误。全部监票人签字后公布结果。',
            'Signing says the count above checked out on this phone. The result is published once every inspector has signed.',
          ),
        ),
  );
}

/** verifyRecord in the verifier worker (the observer's), off the page's thread. */
export function runVerifier(request: VerifyRequest): Promise<VerificationReport> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = startVerifier();
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    worker.onmessage = (ev: MessageEvent<VerifyMessage>) => {
      const m = ev.data;
      if (m.type === 'progress') return;
      worker.terminate();
      if (m.type === 'done') resolve(m.report);
      else reject(new Error(m.message));
    };
    worker.onerror = (ev) => {
      worker.terminate();
      reject(new Error(ev.message || 'verifier failed'));
    };
    worker.postMessage({ ...request, ...verifierPool() } satisfies VerifyRequest);
  });
}
