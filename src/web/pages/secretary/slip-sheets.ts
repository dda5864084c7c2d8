// The secretary's participation slips (issue 15): printed in batches, each a single-use code with
// its QR code and link, several to an A4 page with cut lines. The codes are in the answer to the
// print request and nowhere else, so the sheet is shown once, to be printed at once. Beside it
// the counts (应到, printed, voided, 实到 = printed − voided, used) and the voiding of unused
// slips, by code or a whole batch.
import type { Session } from '../../api.ts';
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import { qrSvg } from '../../qr.ts';
import { linkBase } from '../../site.ts';
import type { Meeting } from '../../types.ts';
import { errorText, notice } from '../../ui.ts';
import { slipCodesIn, slipPages } from './shaped-input.ts';

/** GET /v1/meetings/{id}/slips. */
interface SlipsSummary {
  entitled: number;
  printed: number;
  issued: number;
  redeemed: number;
  voided: number;
  batches: { batch: number; printed: number; redeemed: number; voided: number }[];
}

interface PrintedBatch {
  batch: number;
  issued: number;
  slips: { slipId: string; code: string; url: string }[];
}

/** The most slips one print request makes (the service's SLIPS_PER_BATCH_MAX). */
const SLIPS_PER_BATCH = 1000;
/** Slips on one printed A4 page: two across, four down, each about 90 × 66 mm. */
const SLIPS_PER_PAGE = 8;

export function slipsSection(session: Session, meeting: Meeting): HTMLElement {
  const counts = h('div', { class: 'slip-counts', 'aria-live': 'polite' });
  const batches = h('div', { class: 'slip-batches' });
  const sheetHost = h('div', { class: 'sheet-host' });
  const msg = h('div');
  let summary: SlipsSummary | undefined;

  const refresh = async () => {
    try {
      summary = await session.get<SlipsSummary>(`/v1/meetings/${meeting.id}/slips`);
    } catch (e) {
      put(msg, notice('error', errorText(e)));
      return;
    }
    showCounts(counts, summary);
    showBatches(summary);
    size.max = String(Math.max(1, Math.min(SLIPS_PER_BATCH, summary.entitled - summary.issued)));
  };

  const showBatches = (s: SlipsSummary) => {
    put(
      batches,
      s.batches.length === 0
        ? null
        : h(
            'table',
            { class: 'batch-table' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ...[L('批次', 'Batch'), L('印制', 'Printed'), L('已使用', 'Used'), L('作废', 'Voided'), ''].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h(
              'tbody',
              null,
              s.batches.map((b) =>
                h(
                  'tr',
                  { 'data-batch': b.batch },
                  h('th', { scope: 'row' }, L(`第 ${b.batch} 批`, `Batch ${b.batch}`)),
                  h('td', null, b.printed),
                  h('td', null, b.redeemed),
                  h('td', null, b.voided),
                  h(
                    'td',
                    null,
                    meeting.state !== 'closed' && b.printed > b.redeemed + b.voided
                      ? h(
                          'button',
                          { type: 'button', class: 'void-batch', onclick: () => void voidSlips({ batch: b.batch }) },
                          L('作废本批未用凭条', 'Void the unused slips of this batch'),
                        )
                      : null,
                  ),
                ),
              ),
            ),
          ),
    );
  };

  const voidSlips = async (body: { codes: string[] } | { batch: number }) => {
    try {
      const r = await session.post<SlipsSummary & { voidedNow: number }>(`/v1/meetings/${meeting.id}/slips/void`, body);
      summary = r;
      showCounts(counts, r);
      showBatches(r);
      put(msg, notice(r.voidedNow > 0 ? 'ok' : 'warn', L(`已作废 ${r.voidedNow} 张凭条。`, `${r.voidedNow} slip${r.voidedNow === 1 ? '' : 's'} voided.`)));
      voidCodes.value = '';
    } catch (e) {
      put(msg, notice('error', errorText(e)));
    }
  };

  const size = h('input', {
    id: `slip-batch-${meeting.id}`,
    name: 'slip-count',
    type: 'number',
    min: '1',
    max: String(SLIPS_PER_BATCH),
    value: '10',
    inputmode: 'numeric',
  });
  const print = async (ev: Event) => {
    ev.preventDefault();
    const count = Number(size.value);
    if (!Number.isInteger(count) || count < 1) {
      put(msg, notice('error', L('请输入要印制的张数（正整数）。', 'Enter how many slips to print (a whole number).')));
      return;
    }
    try {
      const made = await session.post<PrintedBatch>(`/v1/meetings/${meeting.id}/slips`, { count });
      const base = (await linkBase()).replace(/\/+$/, '');
      put(
        sheetHost,
        slipSheet(meeting, made, base, () => put(sheetHost)),
      );
      put(msg);
      await refresh();
    } catch (e) {
      put(msg, notice('error', errorText(e)));
    }
  };

  const voidCodes = h('textarea', {
    id: `void-codes-${meeting.id}`,
    name: 'void-codes',
    rows: '2',
    placeholder: L('输入或扫描凭条代码（pjp_…），每行一个', 'Type or scan slip codes (pjp_…), one a line'),
  });
  void refresh();
  return h(
    'section',
    { class: 'card slips', 'data-meeting-id': meeting.id },
    h('h3', null, L('参会凭条', 'Participation slips')),
    counts,
    meeting.state === 'closed'
      ? null
      : h(
          'form',
          { class: 'print-slips row', onsubmit: print },
          h('label', { for: size.id }, L('本批张数', 'Slips in this batch')),
          size,
          h('button', { type: 'submit', class: 'primary print-batch' }, L('印制一批凭条', 'Print a batch of slips')),
        ),
    h(
      'p',
      { class: 'hint' },
      L(
        '每张凭条一个一次性参会码。代码只在印制时显示这一次：请立即打印，发给到会人员（实到 = 已印 − 作废）。',
        'Each slip holds a single-use participation code, shown only this once: print the sheet at once and hand the slips out (present = printed − voided).',
      ),
    ),
    sheetHost,
    batches,
    meeting.state === 'closed'
      ? null
      : h(
          'div',
          { class: 'void-slips' },
          h('label', { for: voidCodes.id }, L('作废未发出的凭条', 'Void slips not handed out')),
          voidCodes,
          h(
            'button',
            {
              type: 'button',
              class: 'void-codes',
              onclick: () => {
                const codes = slipCodesIn(voidCodes.value);
                if (codes.length === 0) {
                  put(msg, notice('error', L('未找到凭条代码（以 pjp_ 开头）。', 'No slip code found (they start with pjp_).')));
                  return;
                }
                void voidSlips({ codes });
              },
            },
            L('作废这些凭条', 'Void these slips'),
          ),
        ),
    msg,
  );
}

function showCounts(el: HTMLElement, s: SlipsSummary): void {
  const figure = (cls: string, zh: string, en: string, n: number) =>
    h('span', { class: `slip-figure fig-${cls}`, 'data-value': n }, `${L(zh, en)} `, h('strong', null, n));
  el.dataset.printed = String(s.printed);
  el.dataset.voided = String(s.voided);
  el.dataset.issued = String(s.issued);
  put(
    el,
    h(
      'p',
      { class: 'slip-figures' },
      figure('entitled', '应到', 'Entitled', s.entitled),
      figure('printed', '已印', 'Printed', s.printed),
      figure('voided', '作废', 'Voided', s.voided),
      figure('issued', '实到', 'Present', s.issued),
      figure('redeemed', '已使用', 'Used', s.redeemed),
    ),
  );
}

/** The printable sheet of one batch: the slips in pages of SLIPS_PER_PAGE, with cut lines. */
function slipSheet(meeting: Meeting, made: PrintedBatch, base: string, close: () => void): HTMLElement {
  const link = (url: string) => (url.startsWith('/') ? `${base}${url}` : url);
  return h(
    'div',
    { class: 'participation-sheet', 'data-batch': made.batch, 'data-count': made.slips.length },
    h(
      'div',
      { class: 'row no-print' },
      notice(
        'warn',
        L(
          `第 ${made.batch} 批 ${made.slips.length} 张凭条：代码只显示这一次，请现在打印。`,
          `Batch ${made.batch}, ${made.slips.length} slips: the codes are shown only this once; print them now.`,
        ),
      ),
      h('button', { type: 'button', class: 'primary print-sheet', onclick: () => window.print() }, L('打印凭条', 'Print the slips')),
      h('button', { type: 'button', class: 'close-sheet', onclick: close }, L('已打印，关闭', 'Printed: close')),
    ),
    slipPages(made.slips, SLIPS_PER_PAGE).map((page) =>
      h(
        'div',
        { class: 'pslip-page' },
        page.map((s) => {
          const url = link(s.url);
          return h(
            'div',
            { class: 'pslip', 'data-code': s.code },
            h('p', { class: 'pslip-meeting' }, meeting.title),
            h('p', { class: 'pslip-kind' }, L('参会凭条（限用一次）', 'Participation slip (single use)')),
            qrSvg(url),
            h('p', { class: 'pslip-code' }, h('code', null, s.code)),
            h('p', { class: 'pslip-link' }, url),
            h(
              'p',
              { class: 'pslip-hint' },
              L('用手机扫码参加投票；本凭条只能使用一次，请勿转交他人。', 'Scan with your phone to vote; the slip works once: do not pass it on.'),
            ),
          );
        }),
      ),
    ),
  );
}
