// A meeting of participants holding slips (issue 15) on the secretary's page: creating one (its
// title and 应到), and its panel — the slips, the inspectors (监票人, committee members recorded
// present for the close; the participants have no accounts), the votes, and the form for a new
// 民主推荐 or 民主测评.
import { SLIPS_PER_MEETING_MAX } from '../../../protocol/chain.ts';
import type { Session } from '../../api.ts';
import { h, put } from '../../dom.ts';
import { L } from '../../i18n.ts';
import type { Attendance, Committee, Meeting, Member } from '../../types.ts';
import { errorText, notice } from '../../ui.ts';
import { shapedVoteForm } from './shaped-vote-form.ts';
import { slipsSection } from './slip-sheets.ts';
import { inspectorPicker } from './inspector-picker.ts';

/** 新建凭条参会会议: beside the committee's own meetings, with the number expected (应到). */
export function newSlipsMeetingForm(session: Session, c: Committee, onCreated: (m: Meeting) => Promise<void>): HTMLElement {
  const title = h('input', {
    id: `slips-meeting-title-${c.id}`,
    name: 'slips-meeting-title',
    placeholder: L('如：全县领导干部会议', 'e.g. County cadres’ meeting'),
  });
  const entitled = h('input', {
    id: `slips-meeting-entitled-${c.id}`,
    name: 'slips-meeting-entitled',
    type: 'number',
    min: '1',
    max: String(SLIPS_PER_MEETING_MAX),
    inputmode: 'numeric',
  });
  const msg = h('div');
  return h(
    'form',
    {
      class: 'new-meeting new-slips-meeting',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        const n = Number(entitled.value);
        if (!title.value.trim()) {
          put(msg, notice('error', L('请填写会议名称。', 'Give the meeting a title.')));
          return;
        }
        if (!Number.isInteger(n) || n < 1) {
          put(msg, notice('error', L('应到人数须为正整数。', 'The number expected must be a whole number from 1.')));
          return;
        }
        try {
          await onCreated(await session.post<Meeting>(`/v1/committees/${c.id}/meetings`, { title: title.value.trim(), kind: 'slips', entitled: n }));
        } catch (e) {
          put(msg, notice('error', errorText(e)));
        }
      },
    },
    h('p', { class: 'form-title' }, L('新建凭条参会会议（民主推荐、民主测评）', 'New meeting of participants with slips (recommendation, evaluation)')),
    h('label', { for: title.id }, L('会议名称', 'Meeting title')),
    title,
    h('label', { for: entitled.id }, L('应到人数', 'Number expected (应到)')),
    entitled,
    h('button', { type: 'submit', class: 'primary create-slips-meeting' }, L('新建凭条会议', 'Create')),
    msg,
  );
}

export interface SlipsPanel {
  session: Session;
  committee: Committee;
  meeting: Meeting;
  members: Member[];
  inspectors: string[];
  /** The meeting's votes, as the committee's meetings show them (open, close, result). */
  votes: HTMLElement;
  /** Shows the meeting again, as the service has it now. */
  refresh: () => Promise<void>;
}

/** The sections under the meeting's heading, in the order the secretary uses them. */
export function slipsMeetingSections(p: SlipsPanel): HTMLElement[] {
  const sections = [slipsSection(p.session, p.meeting), slipsInspectors(p), p.votes];
  if (p.meeting.state !== 'closed') sections.push(shapedVoteForm(p.session, p.committee, p.meeting, p.refresh));
  return sections;
}

/**
 * 监票人 of a meeting of participants: committee members, recorded present (the only attendance
 * such a meeting has: 实到 is the slips issued) and designated in one step.
 */
function slipsInspectors(p: SlipsPanel): HTMLElement {
  const picker = inspectorPicker({
    names: new Map(p.members.map((m) => [m.memberId, m.name])),
    eligible: p.members.filter((m) => m.active && m.votingRight),
    inspectors: p.inspectors,
    closed: p.meeting.state === 'closed',
    none: L(
      '尚未指定监票人。监票人由本委员会委员担任，在手机上核验并签字后才公布结果。',
      'No inspectors yet. They are members of the committee; a result is published once they have checked and signed it on their phones.',
    ),
    designate: async (chosen) => {
      // The inspectors must be present: recorded first, then designated.
      await p.session.put<Attendance>(`/v1/meetings/${p.meeting.id}/attendance`, { present: chosen });
      await p.session.put(`/v1/meetings/${p.meeting.id}/inspectors`, { inspectors: chosen });
      await p.refresh();
    },
  });
  return h(
    'section',
    { class: 'card inspectors slips-inspectors', 'data-inspectors': p.inspectors.length },
    h('h3', null, L('监票人', 'Inspectors (监票人)')),
    picker.current,
    p.meeting.state === 'closed' ? null : [picker.list, picker.count, h('div', { class: 'row' }, picker.button)],
    picker.msg,
  );
}
