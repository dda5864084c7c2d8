// Meetings (draft → open → closed), attendance (实到) and the quorum it gives.
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import { appendEntry } from '../ledger/ledger.ts';
import { lockExclusive } from '../db/locks.ts';
import type { CommitteeRules } from '../committees/rules.ts';
import { quorumRequired } from '../protocol/ballot.ts';

export type MeetingState = 'draft' | 'open' | 'closed';

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

interface MeetingRow {
  id: string;
  committee_id: string;
  title: string;
  state: MeetingState;
  attendance_recorded: boolean;
  kind: 'members' | 'slips';
  entitled: number | null;
  created_at: Date;
  opened_at: Date | null;
  closed_at: Date | null;
}

/** The columns MeetingRow holds, for every query that reads a meeting. */
const MEETING_COLUMNS = 'id, committee_id, title, state, attendance_recorded, kind, entitled, created_at, opened_at, closed_at';

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
  const row = (await q.query<MeetingRow>(`SELECT ${MEETING_COLUMNS} FROM meetings WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))[0];
  if (!row) throw new AppError('not_found', 'No such meeting.');
  return toMeeting(row);
}

export async function createMeeting(ctx: AppContext, committeeId: string, title: string): Promise<Meeting> {
  const row = (await ctx.db.query<MeetingRow>(`INSERT INTO meetings (committee_id, title, created_at) VALUES ($1, $2, $3) RETURNING ${MEETING_COLUMNS}`, [committeeId, title, ctx.now()]))[0]!;
  return toMeeting(row);
}

export async function listMeetings(q: Queryable, committeeId: string): Promise<Meeting[]> {
  return (await q.query<MeetingRow>(`SELECT ${MEETING_COLUMNS} FROM meetings WHERE committee_id = $1 ORDER BY created_at, id`, [committeeId])).map(toMeeting);
}

export async function getAttendance(q: Queryable, meetingId: string): Promise<Attendance> {
  const meeting = await findMeeting(q, meetingId);
  const rules = (await q.query<{ rules: CommitteeRules }>('SELECT rules FROM committees WHERE id = $1', [meeting.committeeId]))[0]!.rules;
  const entitled = Number(
    (await q.query<{ n: number }>('SELECT count(*) AS n FROM committee_members WHERE committee_id = $1 AND active AND voting_right', [meeting.committeeId]))[0]!.n,
  );
  // Only active voting members count as 实到 (the roster cannot lose one who is present, but
  // the count must agree with the roster whatever happens).
  const present = (
    await q.query<{ person_id: string }>(
      `SELECT a.person_id FROM attendance a
         JOIN committee_members m ON m.person_id = a.person_id AND m.committee_id = $2 AND m.active AND m.voting_right
        WHERE a.meeting_id = $1 ORDER BY a.person_id`,
      [meetingId, meeting.committeeId],
    )
  ).map((r) => r.person_id);
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
    await tx.query('SELECT 1 FROM committees WHERE id = $1 FOR SHARE', [meeting.committeeId]);
    const unique = [...new Set(presentIds)].sort();
    const eligible = new Set(
      (
        await tx.query<{ person_id: string }>(
          'SELECT person_id FROM committee_members WHERE committee_id = $1 AND active AND voting_right',
          [meeting.committeeId],
        )
      ).map((r) => r.person_id),
    );
    const bad = presentIds.findIndex((id) => !eligible.has(id));
    if (bad >= 0) throw new AppError('validation_failed', 'Every present member must be an active voting member of this committee.', { field: `present.${bad}` });
    // Members who were issued a token stay present: a token cannot be taken back.
    const keep = await tx.query<{ person_id: string }>(
      `SELECT DISTINCT i.person_id FROM token_issuances i JOIN votes v ON v.id = i.vote_id WHERE v.meeting_id = $1`,
      [meetingId],
    );
    const missing = keep.find((r) => !unique.includes(r.person_id));
    if (missing) throw new AppError('invalid_state', 'A member who already received a ballot token cannot be marked absent.', { field: 'present' });
    // A close in progress was prepared with the 实到 in force: it must stay until published.
    const closing = await tx.query("SELECT 1 FROM votes WHERE meeting_id = $1 AND state IN ('confirming', 'countersigning') LIMIT 1", [meetingId]);
    if (closing.length > 0) throw new AppError('invalid_state', 'A vote of this meeting is being closed (members confirm, inspectors countersign); attendance can change after it is published.');
    // While a vote is open the meeting must keep its quorum: the record is checked for it at close.
    const openVote = await tx.query("SELECT 1 FROM votes WHERE meeting_id = $1 AND state = 'open' LIMIT 1", [meetingId]);
    // Issue 15 hook: a meeting of participants records only its inspectors present; no quorum.
    if (openVote.length > 0 && meeting.kind !== 'slips') {
      const rules = (await tx.query<{ rules: CommitteeRules }>('SELECT rules FROM committees WHERE id = $1', [meeting.committeeId]))[0]!.rules;
      if (unique.length < quorumRequired(eligible.size, rules.quorum)) {
        throw new AppError('quorum_not_met', 'A vote is open: attendance cannot drop below quorum.', { field: 'present' });
      }
    }
    await tx.query('DELETE FROM attendance WHERE meeting_id = $1', [meetingId]);
    await tx.query('INSERT INTO attendance (meeting_id, person_id) SELECT $1, unnest($2::uuid[])', [meetingId, unique]);
    await tx.query('UPDATE meetings SET attendance_recorded = true WHERE id = $1', [meetingId]);
    const entitled = eligible.size;
    await appendEntry(tx, meeting.committeeId, 'attendance.recorded', { meetingId, present: unique, entitled, by });
  });
  return getAttendance(ctx.db, meetingId);
}

export async function openMeeting(ctx: AppContext, meetingId: string): Promise<Meeting> {
  return ctx.db.transaction(async (tx) => {
    const m = await findMeeting(tx, meetingId, true);
    if (m.state !== 'draft') throw new AppError('invalid_state', `The meeting is ${m.state}; only a draft meeting can be opened.`);
    return toMeeting((await tx.query<MeetingRow>(`UPDATE meetings SET state = 'open', opened_at = $2 WHERE id = $1 RETURNING ${MEETING_COLUMNS}`, [meetingId, ctx.now()]))[0]!);
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
    const openVotes = await tx.query("SELECT 1 FROM votes WHERE meeting_id = $1 AND state IN ('open', 'confirming', 'countersigning')", [meetingId]);
    if (openVotes.length > 0) throw new AppError('invalid_state', 'Close every open vote before closing the meeting.');
    await ctx.checkpoint?.('closeMeeting.checked', tx);
    return toMeeting((await tx.query<MeetingRow>(`UPDATE meetings SET state = 'closed', closed_at = $2 WHERE id = $1 RETURNING ${MEETING_COLUMNS}`, [meetingId, ctx.now()]))[0]!);
  });
}
