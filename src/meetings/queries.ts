// The meetings area's SQL, one function per query: meetings, attendance (实到), and the
// committee's roster and rules as a meeting's quorum reads them. Every query names its columns.
import type { Queryable } from '../db/database.ts';

/** A meeting's state, its row share-locked: a vote being opened is ordered against a meeting close. */
export async function shareLockMeeting(q: Queryable, meetingId: string): Promise<{ state: string }> {
  return (await q.query<{ state: string }>('SELECT state FROM meetings WHERE id = $1 FOR SHARE', [meetingId]))[0]!;
}

/** 应到: the committee's active members with a voting right. */
export async function countVotingMembers(q: Queryable, committeeId: string): Promise<number> {
  return Number((await q.query<{ n: number }>('SELECT count(*) AS n FROM committee_members WHERE committee_id = $1 AND active AND voting_right', [committeeId]))[0]!.n);
}

/** Whether the member is recorded present (实到) at the meeting. */
export async function isPresent(q: Queryable, meetingId: string, personId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM attendance WHERE meeting_id = $1 AND person_id = $2', [meetingId, personId])).length > 0;
}

/** The committee's active members with a voting right, by id. */
export async function listVotingMemberIds(q: Queryable, committeeId: string): Promise<string[]> {
  return (await q.query<{ person_id: string }>('SELECT person_id FROM committee_members WHERE committee_id = $1 AND active AND voting_right', [committeeId])).map((r) => r.person_id);
}
