// Meetings (draft → open → closed), attendance (实到) and the quorum it gives.
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import { appendEntry } from '../chain/store.ts';
import { lockExclusive } from '../db/locks.ts';
import { quorumRequired } from '../protocol/ballot.ts';
import { listMeetingTokenHolders, meetingHasVoteIn } from '../votes/queries.ts';
import {
  countVotingMembers,
  deleteAttendance,
  insertAttendance,
  insertMeeting,
  listCommitteeMeetings,
  listPresentVotingMembers,
  listVotingMemberIds,
  markAttendanceRecorded,
  markMeetingClosed,
  markMeetingOpen,
  readCommitteeRules,
  readMeeting,
  shareLockCommittee,
  type MeetingRow,
  type MeetingState,
} from './queries.ts';

export type { MeetingState };

export interface Meeting {
  id: string;
  committeeId: string;
  title: string;
  state: MeetingState;
  attendanceRecorded: boolean;
  /** Issue 15: `members` (the committee's enrolled members) or `slips` (participants holding slips). */
  kind: 'members' | 'slips';
  /** 应到 of a meeting of participants (null for members: the roster gives it). */
  entitled: number | null;
  createdAt: string;
  openedAt: string | null;
  closedAt: string | null;
}

export interface Attendance {
  meetingId: string;
  entitled: number;
  present: number;
  quorumRequired: number;
  quorumMet: boolean;
  presentMemberIds: string[];
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const toMeeting = (r: MeetingRow): Meeting => ({
  id: r.id,
  committeeId: r.committee_id,
  title: r.title,
  state: r.state,
  attendanceRecorded: r.attendance_recorded,
  kind: r.kind,
  entitled: r.entitled === null ? null : Number(r.entitled),
  createdAt: iso(r.created_at)!,
  openedAt: iso(r.opened_at),
  closedAt: iso(r.closed_at),
});

export async function findMeeting(q: Queryable, id: string, lock = false): Promise<Meeting> {
  const row = await readMeeting(q, id, lock);
  if (!row) throw new AppError('not_found', 'No such meeting.');
  return toMeeting(row);
}

export async function createMeeting(ctx: AppContext, committeeId: string, title: string): Promise<Meeting> {
  return toMeeting(await insertMeeting(ctx.db, committeeId, title, ctx.now()));
}

export async function listMeetings(q: Queryable, committeeId: string): Promise<Meeting[]> {
  return (await listCommitteeMeetings(q, committeeId)).map(toMeeting);
}

export async function getAttendance(q: Queryable, meetingId: string): Promise<Attendance> {
  const meeting = await findMeeting(q, meetingId);
  const rules = await readCommitteeRules(q, meeting.committeeId);
  const entitled = await countVotingMembers(q, meeting.committeeId);
  const present = await listPresentVotingMembers(q, meetingId, meeting.committeeId);
  const required = quorumRequired(entitled, rules.quorum);
  return {
    meetingId,
    entitled,
    present: present.length,
    quorumRequired: required,
    quorumMet: entitled > 0 && present.length >= required,
    presentMemberIds: present,
  };
}

/** Replaces the attendance list (实到) and records it in the chain. */
export async function recordAttendance(ctx: AppContext, meetingId: string, presentIds: string[], by: string): Promise<Attendance> {
  await ctx.db.transaction(async (tx) => {
    // Token issuance, vote opening and closing take this lock shared: they wait for, and then
    // see, this change. Lock order (src/db/locks.ts): meeting lock, meetings row, committees row.
    await lockExclusive(tx, 'meeting', meetingId);
    const meeting = await findMeeting(tx, meetingId, true);
    if (meeting.state === 'closed') throw new AppError('invalid_state', 'The meeting is closed; attendance can no longer change.');
    await ctx.checkpoint?.('recordAttendance.locked', tx);
    // The roster must not change under the 应到 this entry states (roster edits lock it exclusively).
    await shareLockCommittee(tx, meeting.committeeId);
    const unique = [...new Set(presentIds)].sort();
    const eligible = new Set(await listVotingMemberIds(tx, meeting.committeeId));
    const bad = presentIds.findIndex((id) => !eligible.has(id));
    if (bad >= 0)
      throw new AppError('validation_failed', 'Every present member must be an active voting member of this committee.', { field: `present.${bad}` });
    // Members who were issued a token stay present: a token cannot be taken back.
    const keep = await listMeetingTokenHolders(tx, meetingId);
    const missing = keep.find((id) => !unique.includes(id));
    if (missing) throw new AppError('invalid_state', 'A member who already received a ballot token cannot be marked absent.', { field: 'present' });
    // A close in progress was prepared with the 实到 in force: it must stay until published.
    if (await meetingHasVoteIn(tx, meetingId, ['confirming', 'countersigning']))
      throw new AppError(
        'invalid_state',
        'A vote of this meeting is being closed (members confirm, inspectors countersign); attendance can change after it is published.',
      );
    // While a vote is open the meeting must keep its quorum: the record is checked for it at close.
    // Issue 15: a meeting of participants records only its inspectors present; no quorum.
    if (meeting.kind !== 'slips' && (await meetingHasVoteIn(tx, meetingId, ['open']))) {
      const rules = await readCommitteeRules(tx, meeting.committeeId);
      if (unique.length < quorumRequired(eligible.size, rules.quorum)) {
        throw new AppError('quorum_not_met', 'A vote is open: attendance cannot drop below quorum.', { field: 'present' });
      }
    }
    await deleteAttendance(tx, meetingId);
    await insertAttendance(tx, meetingId, unique);
    await markAttendanceRecorded(tx, meetingId);
    const entitled = eligible.size;
    await appendEntry(tx, meeting.committeeId, 'attendance.recorded', { meetingId, present: unique, entitled, by });
  });
  return getAttendance(ctx.db, meetingId);
}

export async function openMeeting(ctx: AppContext, meetingId: string): Promise<Meeting> {
  return ctx.db.transaction(async (tx) => {
    const m = await findMeeting(tx, meetingId, true);
    if (m.state !== 'draft') throw new AppError('invalid_state', `The meeting is ${m.state}; only a draft meeting can be opened.`);
    return toMeeting(await markMeetingOpen(tx, meetingId, ctx.now()));
  });
}

export async function closeMeeting(ctx: AppContext, meetingId: string): Promise<Meeting> {
  return ctx.db.transaction(async (tx) => {
    // Lock order (src/db/locks.ts): the meeting lock, exclusively, waits for token issuances and
    // vote closes in progress; the meetings row, locked for update, for a vote being opened
    // (which share-locks it), whose state the check below then sees.
    await lockExclusive(tx, 'meeting', meetingId);
    const m = await findMeeting(tx, meetingId, true);
    if (m.state !== 'open') throw new AppError('invalid_state', `The meeting is ${m.state}; only an open meeting can be closed.`);
    if (await meetingHasVoteIn(tx, meetingId, ['open', 'confirming', 'countersigning']))
      throw new AppError('invalid_state', 'Close every open vote before closing the meeting.');
    await ctx.checkpoint?.('closeMeeting.checked', tx);
    return toMeeting(await markMeetingClosed(tx, meetingId, ctx.now()));
  });
}
