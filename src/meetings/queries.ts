// The meetings area's SQL, one function per query: meetings, attendance (实到), and the
// committee's roster and rules as a meeting's quorum reads them. Every query names its columns.
// What a meeting needs of its votes it asks the votes area (src/votes/queries.ts).
import type { Queryable } from '../db/database.ts';
import type { CommitteeRules } from '../committees/rules.ts';

export type MeetingState = 'draft' | 'open' | 'closed';

export interface MeetingRow {
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

// --- meetings ---

/** The meeting, its row locked for update when asked. */
export async function readMeeting(q: Queryable, meetingId: string, forUpdate = false): Promise<MeetingRow | undefined> {
  return (await q.query<MeetingRow>(`SELECT ${MEETING_COLUMNS} FROM meetings WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [meetingId]))[0];
}

/** A meeting's state, its row share-locked: a vote being opened is ordered against a meeting close. */
export async function shareLockMeeting(q: Queryable, meetingId: string): Promise<{ state: MeetingState }> {
  return (await q.query<{ state: MeetingState }>('SELECT state FROM meetings WHERE id = $1 FOR SHARE', [meetingId]))[0]!;
}

export async function insertMeeting(q: Queryable, committeeId: string, title: string, createdAt: Date): Promise<MeetingRow> {
  return (
    await q.query<MeetingRow>(`INSERT INTO meetings (committee_id, title, created_at) VALUES ($1, $2, $3) RETURNING ${MEETING_COLUMNS}`, [
      committeeId,
      title,
      createdAt,
    ])
  )[0]!;
}

export async function listCommitteeMeetings(q: Queryable, committeeId: string): Promise<MeetingRow[]> {
  return q.query<MeetingRow>(`SELECT ${MEETING_COLUMNS} FROM meetings WHERE committee_id = $1 ORDER BY created_at, id`, [committeeId]);
}

export async function markMeetingOpen(q: Queryable, meetingId: string, openedAt: Date): Promise<MeetingRow> {
  return (
    await q.query<MeetingRow>(`UPDATE meetings SET state = 'open', opened_at = $2 WHERE id = $1 RETURNING ${MEETING_COLUMNS}`, [meetingId, openedAt])
  )[0]!;
}

export async function markMeetingClosed(q: Queryable, meetingId: string, closedAt: Date): Promise<MeetingRow> {
  return (
    await q.query<MeetingRow>(`UPDATE meetings SET state = 'closed', closed_at = $2 WHERE id = $1 RETURNING ${MEETING_COLUMNS}`, [meetingId, closedAt])
  )[0]!;
}

// --- attendance ---

/** Whether the member is recorded present (实到) at the meeting. */
export async function isPresent(q: Queryable, meetingId: string, personId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM attendance WHERE meeting_id = $1 AND person_id = $2', [meetingId, personId])).length > 0;
}

/**
 * 实到: the members recorded present who are active voting members of the committee (the roster
 * cannot lose one who is present, but the count must agree with the roster whatever happens).
 */
export async function listPresentVotingMembers(q: Queryable, meetingId: string, committeeId: string): Promise<string[]> {
  return (
    await q.query<{ person_id: string }>(
      `SELECT a.person_id FROM attendance a
         JOIN committee_members m ON m.person_id = a.person_id AND m.committee_id = $2 AND m.active AND m.voting_right
        WHERE a.meeting_id = $1 ORDER BY a.person_id`,
      [meetingId, committeeId],
    )
  ).map((r) => r.person_id);
}

export async function deleteAttendance(q: Queryable, meetingId: string): Promise<void> {
  await q.query('DELETE FROM attendance WHERE meeting_id = $1', [meetingId]);
}

export async function insertAttendance(q: Queryable, meetingId: string, personIds: string[]): Promise<void> {
  await q.query('INSERT INTO attendance (meeting_id, person_id) SELECT $1, unnest($2::uuid[])', [meetingId, personIds]);
}

export async function markAttendanceRecorded(q: Queryable, meetingId: string): Promise<void> {
  await q.query('UPDATE meetings SET attendance_recorded = true WHERE id = $1', [meetingId]);
}

// --- the committee, as a meeting reads it ---

export async function readCommitteeRules(q: Queryable, committeeId: string): Promise<CommitteeRules> {
  return (await q.query<{ rules: CommitteeRules }>('SELECT rules FROM committees WHERE id = $1', [committeeId]))[0]!.rules;
}

/** Holds the roster still: roster edits lock the committee row exclusively. */
export async function shareLockCommittee(q: Queryable, committeeId: string): Promise<void> {
  await q.query('SELECT 1 FROM committees WHERE id = $1 FOR SHARE', [committeeId]);
}

/** 应到: the committee's active members with a voting right. */
export async function countVotingMembers(q: Queryable, committeeId: string): Promise<number> {
  return Number(
    (await q.query<{ n: number }>('SELECT count(*) AS n FROM committee_members WHERE committee_id = $1 AND active AND voting_right', [committeeId]))[0]!.n,
  );
}

/** The committee's active members with a voting right, by id. */
export async function listVotingMemberIds(q: Queryable, committeeId: string): Promise<string[]> {
  return (
    await q.query<{ person_id: string }>('SELECT person_id FROM committee_members WHERE committee_id = $1 AND active AND voting_right', [committeeId])
  ).map((r) => r.person_id);
}
