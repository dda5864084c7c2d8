// The observer's page (监票验证): open a vote's record by address or from a file and check it
// here, in the browser, with the same verifier as `piaojue verify`, check by check. The head of
// every record that verifies is pinned on this device, so a later record that rewrote history
// (or was shown differently to someone else) fails the pinned-head check. The pin is the one the
// member and projector pages keep too (record.ts).
import type { JSONWebKeySet } from 'jose';
import type { ChainHead } from '../../protocol/chain.ts';
import { pinWithin } from '../../protocol/pinned-head.ts';
import type { Check, VerificationReport } from '../../protocol/verifier.ts';
import { recordGet, signInIfEnrolled } from '../api.ts';
import { h, put } from '../dom.ts';
import { MARKS, type VoteDefinition } from '../../protocol/ballot.ts';
import type { Tally } from '../../protocol/tally.ts';
import { currentLang, L, markLabel, outcomeLabel } from '../i18n.ts';
import { candidatePosts } from '../posts.ts';
import { findCandidate, recordDefinition } from '../post-text.ts';
import { pinHead as pin, pinnedHead as pinned, serviceKeys } from '../record.ts';
import { meetingCredential } from '../slip-flow.ts';
import { loadParticipant } from '../store.ts';
import { errorText, notice } from '../ui.ts';
import { observerShapedResult } from './projector-shapes.ts';
import type { VerifyMessage, VerifyRequest } from '../verify-worker.ts';
import { startVerifier, verifierPool } from '../verifier.ts';

/** `workers=N` in the page's address: split the verification into exactly N chunks (1: no pool). */
function poolWorkers(params: URLSearchParams): number | undefined {
  const n = Number(params.get('workers'));
  return Number.isInteger(n) && n >= 1 && n <= 16 ? n : undefined;
}

export function mountObserver(root: HTMLElement, params: URLSearchParams): () => void {
  let worker: Worker | undefined;
  // A share link (issue 12): the capability that opens a restricted committee's closed record
  // to an outside observer, sent with the read (never kept). Without one, a browser whose device
  // is enrolled (a member, secretary or observer) reads the record signed in.
  const cap = params.get('cap') ?? undefined;
  // Opened from a participant's phone (issue 15): `meeting` names the meeting of the slip this
  // phone holds, and a vote of that meeting is read with the slip's credential, kept on the
  // phone (never in the address). A restricted committee's record is closed to anyone else.
  const meeting = cap === undefined ? (params.get('meeting') ?? undefined) : undefined;
  const participant = meeting === undefined ? Promise.resolve(undefined) : meetingCredential({ loadParticipant }, meeting).catch(() => undefined);
  const fetchRecord = async (address: string) => {
    if (cap !== undefined) return recordGet<unknown>(address, { share: cap });
    const credential = await participant;
    if (credential !== undefined) return recordGet<unknown>(address, { participant: credential });
    await signInIfEnrolled();
    return recordGet<unknown>(address, {});
  };
  const url = h('input', {
    name: 'record-url',
    value: params.get('record') ?? '',
    placeholder: '/v1/votes/…/record',
    'aria-label': L('记录地址', 'Record address'),
  });
  const participantHint = h(
    'p',
    { class: 'hint participant-read', hidden: true },
    L('使用本手机的参会凭证读取本次会议的表决记录。', 'Reading this meeting’s vote records with this phone’s participant credential.'),
  );
  void participant.then((credential) => (participantHint.hidden = credential === undefined));
  const file = h('input', { type: 'file', name: 'record-file', accept: 'application/json,.json' });
  const out = h('div', { class: 'verify-out' });
  const go = h('button', { type: 'submit', class: 'primary big verify' }, L('下载并验证', 'Fetch and verify'));

  async function verify(load: () => Promise<unknown>): Promise<void> {
    worker?.terminate();
    go.disabled = true;
    put(out, notice('info', L('正在读取记录…', 'Reading the record…')));
    try {
      const [record, jwks] = await Promise.all([load(), serviceKeys()]);
      await run(record, jwks);
    } catch (e) {
      put(out, notice('error', errorText(e)));
    } finally {
      go.disabled = false;
    }
  }

  function run(record: unknown, jwks: JSONWebKeySet): Promise<void> {
    const r = (record ?? {}) as { committeeId?: unknown; voteId?: unknown; head?: { seq?: unknown } };
    const committeeId = typeof r.committeeId === 'string' ? r.committeeId : undefined;
    // For the names' 现任职务 / 拟任职务 beside the result, shown only once the record verifies.
    const definition = typeof r.voteId === 'string' ? recordDefinition(record, r.voteId) : null;
    const pinnedHead = committeeId ? pinned(committeeId) : undefined;
    const usable = pinWithin(pinnedHead, r.head);
    const bars = {
      issuances: h('progress', { max: '1', value: '0' }),
      tokens: h('progress', { max: '1', value: '0' }),
    };
    put(
      out,
      h(
        'div',
        { class: 'card progress' },
        h('p', null, L('正在验证（在本浏览器中运行，不信任服务）…', 'Verifying (runs in this browser, trusting nothing the service says)…')),
        h('label', null, L('申领签名', 'Token requests'), bars.issuances),
        h('label', null, L('票证签名', 'Token signatures'), bars.tokens),
      ),
    );
    return new Promise((resolve) => {
      delete out.dataset.verifyWorkers;
      worker = startVerifier();
      worker.onmessage = (ev: MessageEvent<VerifyMessage>) => {
        const m = ev.data;
        if (m.type === 'progress') {
          bars[m.phase].max = Math.max(1, m.total);
          bars[m.phase].value = m.done;
          return;
        }
        worker?.terminate();
        worker = undefined;
        if (m.type === 'failed') put(out, notice('error', m.message));
        else {
          if (m.report.ok && committeeId && m.report.head) pin(committeeId, m.report.head);
          // A 民主推荐 / 民主测评 record links to its printed sheet (the projector's, which reads the same chain).
          // From a participant's phone, the sheet reads the vote the same way (the meeting named, the credential kept).
          const sheetHref =
            committeeId && typeof r.voteId === 'string'
              ? `#/projector?committee=${committeeId}&vote=${r.voteId}&report=1${meeting === undefined ? '' : `&meeting=${encodeURIComponent(meeting)}`}`
              : null;
          put(out, reportView(m.report, usable, definition, sheetHref));
          // How many pool workers shared the work (0: the verifier worker alone).
          out.dataset.verifyWorkers = String(m.workers);
        }
        resolve();
      };
      worker.onerror = (ev) => {
        put(out, notice('error', ev.message || 'worker failed'));
        resolve();
      };
      const req: VerifyRequest = { record, jwks, ...(usable ? { pinnedHead: usable } : {}), ...verifierPool(poolWorkers(params)) };
      worker.postMessage(req);
    });
  }

  put(
    root,
    h(
      'div',
      { class: 'observer' },
      h(
        'form',
        {
          class: 'card',
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            const address = url.value.trim();
            if (!address) return;
            void verify(() => fetchRecord(address));
          },
        },
        h('h1', { class: 'page-title' }, L('监票验证', 'Verify a record')),
        h(
          'p',
          { class: 'hint' },
          L(
            '独立核验一项表决的公开记录：哈希链、每张票证的盲签名、无重复用票、发出与收回、重新计票和计票结果签名。',
            'Check a vote’s public record independently: the hash chain, every token’s blind signature, no token used twice, turnout, a full recount and the tally signature.',
          ),
        ),
        h('label', null, L('记录地址', 'Record address'), url),
        cap !== undefined ? h('p', { class: 'hint share-link' }, L('使用分享链接读取这份记录。', 'Reading this record with a share link.')) : null,
        participantHint,
        go,
        h(
          'label',
          { class: 'file' },
          L('或打开记录文件（JSON）', 'Or open a record file (JSON)'),
          file,
          h('span', { class: 'file-button' }, L('选择文件…', 'Choose a file…')),
        ),
      ),
      out,
    ),
  );
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f) void verify(async () => JSON.parse(await f.text()) as unknown);
  });
  if (params.get('record')) void verify(() => fetchRecord(params.get('record')!));
  return () => worker?.terminate();
}

function reportView(report: VerificationReport, pinnedHead: ChainHead | undefined, definition: VoteDefinition | null, sheetHref: string | null): HTMLElement {
  const failed = report.checks.filter((c) => !c.ok);
  const en = currentLang() === 'en';
  const t = report.tally;
  return h(
    'div',
    { class: 'card report-view', 'data-ok': String(report.ok) },
    h(
      'p',
      { class: `verdict ${report.ok ? 'ok' : 'bad'}` },
      report.ok
        ? L(`✓ 记录验证通过：${report.checks.length} 项检查全部通过`, `✓ The record verifies: all ${report.checks.length} checks passed`)
        : L(`✗ 记录未通过验证：${failed.length} 项检查未通过`, `✗ The record does NOT verify: ${failed.length} check${failed.length > 1 ? 's' : ''} failed`),
    ),
    h(
      'ol',
      { class: 'checks' },
      report.checks.map((c: Check) =>
        h(
          'li',
          { class: c.ok ? 'ok' : 'bad', 'data-check': c.id, 'data-ok': String(c.ok) },
          h('span', { class: 'mark-icon', 'aria-hidden': 'true' }, c.ok ? '✓' : '✗'),
          h('div', null, h('strong', null, en ? c.en : c.zh), h('div', { class: 'detail' }, c.code ? `[${c.code}] ` : '', en ? c.detail : c.detailZh)),
        ),
      ),
    ),
    pinnedHead
      ? h(
          'p',
          { class: 'hint' },
          L(`已与本设备先前固定的链头（第 ${pinnedHead.seq} 条）比对。`, `Compared with the head this device pinned earlier (entry ${pinnedHead.seq}).`),
        )
      : h(
          'p',
          { class: 'hint' },
          L(
            `本设备此前未固定该委员会的链头；验证通过后已固定。`,
            `No head of this committee was pinned on this device; it is pinned once the record verifies.`,
          ),
        ),
    report.head ? h('p', { class: 'hash' }, L('链头 ', 'Head '), h('code', null, `#${report.head.seq} ${report.head.hash}`)) : null,
    t
      ? h(
          'p',
          { class: 'hint' },
          L(
            `应到 ${t.entitled} · 实到 ${t.present} · 发出 ${t.issued} · 收回 ${t.returned}`,
            `Entitled ${t.entitled} · present ${t.present} · issued ${t.issued} · returned ${t.returned}`,
          ),
        )
      : null,
    report.ok && t ? resultTables(t, definition) : null,
    report.ok && t?.shaped?.length
      ? h(
          'div',
          { class: 'observer-result' },
          t.shaped.map((s) => observerShapedResult(s, sheetHref)),
        )
      : null,
    h('p', { class: 'hint' }, L('服务公钥取自本服务的 /.well-known/jwks.json。', 'Service keys from this service’s /.well-known/jwks.json.')),
  );
}

/**
 * The verified result per candidate, with 现任职务 / 拟任职务 under each name when the record's
 * definition gives them (issue 11).
 */
function resultTables(t: Tally, definition: VoteDefinition | null): HTMLElement {
  const marks = definition?.marks ?? MARKS.filter((m) => m !== 'defer' || t.items.some((it) => it.candidates.some((c) => c.defer > 0)));
  return h(
    'div',
    { class: 'observer-result' },
    t.items.map((it) =>
      h(
        'section',
        { class: 'result-item', 'data-item-id': it.itemId },
        h('h3', null, it.post, ' ', h('span', { class: 'hint' }, L(`有效 ${it.valid} · 无效 ${it.invalid}`, `valid ${it.valid} · invalid ${it.invalid}`))),
        h(
          'table',
          { class: 'result-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, L('候选人', 'Candidate')),
              marks.map((m) => h('th', { class: 'num' }, markLabel(m))),
              h('th', null, L('结果', 'Outcome')),
            ),
          ),
          h(
            'tbody',
            null,
            it.candidates.map((c) => {
              const found = findCandidate(definition, it.itemId, c.candidateId);
              return h(
                'tr',
                { 'data-candidate': c.name, class: `outcome-${c.outcome}` },
                h('th', { scope: 'row' }, h('span', { class: 'name' }, c.name), found ? candidatePosts(found.item, found.candidate) : null),
                marks.map((m) => h('td', { class: 'num', 'data-mark': m }, c[m])),
                h('td', { class: 'outcome', 'data-outcome': c.outcome }, outcomeLabel(c.outcome, it.kind)),
              );
            }),
          ),
        ),
      ),
    ),
  );
}
