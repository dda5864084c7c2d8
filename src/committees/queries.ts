// The SQL of committees: the committees, their members, secretaries and observers, the log of
// changes to who may read the record, and the share links that open it. One function per query;
// the services hold the rules. (People and their devices: devices/queries.ts.)
import type { Queryable } from '../db/database.ts';
import type { CommitteeRules } from './rules.ts';
import type { CommitteeKind } from './service.ts';
import type { Visibility } from './access.ts';
import type { AccessAction } from './audit.ts';

export async function insertCommittee(q: Queryable, c: { name: string; kind: CommitteeKind; rules: CommitteeRules; visibility: Visibility }): Promise<string> {
  const rows = await q.query<{ id: string }>('INSERT INTO committees (name, kind, rules, visibility) VALUES ($1, $2, $3, $4) RETURNING id', [
    c.name,
    c.kind,
    JSON.stringify(c.rules),
    c.visibility,
  ]);
  return rows[0]!.id;
}

export interface CommitteeRow {
  id: string;
  name: string;
  kind: CommitteeKind;
  rules: CommitteeRules;
  visibility: Visibility;
  createdAt: Date;
  /** Active members with a voting right (应到). */
  entitled: number;
}

export async function committeeById(q: Queryable, id: string): Promise<CommitteeRow | undefined> {
  const row = (
    await q.query<{
      id: string;
      name: string;
      kind: CommitteeKind;
      rules: CommitteeRules;
      visibility: Visibility;
      created_at: Date;
      entitled: number | string;
    }>(
      `SELECT c.id, c.name, c.kind, c.rules, c.visibility, c.created_at, (SELECT count(*) FROM committee_members m WHERE m.committee_id = c.id AND m.active AND m.voting_right) AS entitled
         FROM committees c WHERE c.id = $1`,
      [id],
    )
  )[0];
  return (
    row && {
      id: row.id,
      name: row.name,
      kind: row.kind,
      rules: row.rules,
      visibility: row.visibility,
      createdAt: row.created_at,
      entitled: Number(row.entitled),
    }
  );
}

export async function committeeExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM committees WHERE id = $1', [id])).length > 0;
}

export async function committeeVisibility(q: Queryable, id: string): Promise<Visibility | undefined> {
  return (await q.query<{ visibility: Visibility }>('SELECT visibility FROM committees WHERE id = $1', [id]))[0]?.visibility;
}

/** The meeting a vote belongs to, if the vote exists. */
export async function voteMeetingId(q: Queryable, voteId: string): Promise<string | undefined> {
  return (await q.query<{ meeting_id: string }>('SELECT meeting_id FROM votes WHERE id = $1', [voteId]))[0]?.meeting_id;
}

/** Locks the committee row against roster and role changes (lock order: db/locks.ts); false if there is none. */
export async function lockCommitteeRow(tx: Queryable, id: string): Promise<boolean> {
  return (await tx.query('SELECT 1 FROM committees WHERE id = $1 FOR NO KEY UPDATE', [id])).length > 0;
}

/** The committee's visibility, with its row locked as lockCommittee does; undefined if there is none. */
export async function lockCommitteeVisibility(tx: Queryable, id: string): Promise<Visibility | undefined> {
  return (await tx.query<{ visibility: Visibility }>('SELECT visibility FROM committees WHERE id = $1 FOR NO KEY UPDATE', [id]))[0]?.visibility;
}

export async function updateVisibility(tx: Queryable, id: string, visibility: Visibility): Promise<void> {
  await tx.query('UPDATE committees SET visibility = $2 WHERE id = $1', [id, visibility]);
}

/** Every committee, oldest first. */
export async function allCommitteeIds(q: Queryable): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id FROM committees ORDER BY created_at, id')).map((r) => r.id);
}

/** The committees among `ids` that exist, oldest first. */
export async function committeeIdsAmong(q: Queryable, ids: string[]): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id FROM committees WHERE id = ANY($1::uuid[]) ORDER BY created_at, id', [ids])).map((r) => r.id);
}

/** Every committee, by id (the order chain entries for all committees are written in). */
export async function committeeIdsById(q: Queryable): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id FROM committees ORDER BY id')).map((r) => r.id);
}

/** Committees whose chain names no administrator yet (begun before grants were recorded). */
export async function committeesWithoutAdminGrant(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    "SELECT c.id FROM committees c WHERE NOT EXISTS (SELECT 1 FROM chain_entries e WHERE e.committee_id = c.id AND e.kind = 'admin.granted') ORDER BY c.id",
  );
  return rows.map((r) => r.id);
}

export async function hasAdminGrant(q: Queryable, committeeId: string): Promise<boolean> {
  return (await q.query("SELECT 1 FROM chain_entries WHERE committee_id = $1 AND kind = 'admin.granted' LIMIT 1", [committeeId])).length > 0;
}

/** A vote of the committee not closed, in a meeting not closed (a draft left in a closed meeting can never open). */
export async function hasVoteInProgress(q: Queryable, committeeId: string): Promise<boolean> {
  const rows = await q.query(
    "SELECT 1 FROM votes v JOIN meetings m ON m.id = v.meeting_id WHERE v.committee_id = $1 AND v.state <> 'closed' AND m.state <> 'closed' LIMIT 1",
    [committeeId],
  );
  return rows.length > 0;
}

export interface MemberRow {
  personId: string;
  name: string;
  votingRight: boolean;
  active: boolean;
}

/** The committee's members in the order they were added. */
export async function membersOf(q: Queryable, committeeId: string): Promise<MemberRow[]> {
  const rows = await q.query<{ person_id: string; name: string; voting_right: boolean; active: boolean }>(
    `SELECT m.person_id, p.name, m.voting_right, m.active
       FROM committee_members m JOIN people p ON p.id = m.person_id
      WHERE m.committee_id = $1 ORDER BY m.added_at, m.person_id`,
    [committeeId],
  );
  return rows.map((r) => ({ personId: r.person_id, name: r.name, votingRight: r.voting_right, active: r.active }));
}

export async function isMember(q: Queryable, committeeId: string, personId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM committee_members WHERE committee_id = $1 AND person_id = $2', [committeeId, personId])).length > 0;
}

export async function insertMember(q: Queryable, committeeId: string, personId: string, votingRight: boolean): Promise<void> {
  await q.query('INSERT INTO committee_members (committee_id, person_id, voting_right) VALUES ($1, $2, $3)', [committeeId, personId, votingRight]);
}

export async function memberStanding(q: Queryable, committeeId: string, personId: string): Promise<{ votingRight: boolean; active: boolean } | undefined> {
  const row = (
    await q.query<{ voting_right: boolean; active: boolean }>('SELECT voting_right, active FROM committee_members WHERE committee_id = $1 AND person_id = $2', [
      committeeId,
      personId,
    ])
  )[0];
  return row && { votingRight: row.voting_right, active: row.active };
}

export async function updateMemberStanding(q: Queryable, committeeId: string, personId: string, votingRight: boolean, active: boolean): Promise<void> {
  await q.query('UPDATE committee_members SET voting_right = $3, active = $4 WHERE committee_id = $1 AND person_id = $2', [
    committeeId,
    personId,
    votingRight,
    active,
  ]);
}

/** The person is recorded present at a meeting of the committee that is not closed. */
export async function presentAtOpenMeeting(q: Queryable, committeeId: string, personId: string): Promise<boolean> {
  const rows = await q.query(
    "SELECT 1 FROM attendance a JOIN meetings m ON m.id = a.meeting_id WHERE m.committee_id = $1 AND a.person_id = $2 AND m.state <> 'closed' LIMIT 1",
    [committeeId, personId],
  );
  return rows.length > 0;
}

/** The committees where the person is a member (active or not), by id. */
export async function committeesOfMember(q: Queryable, personId: string): Promise<string[]> {
  return (await q.query<{ committee_id: string }>('SELECT committee_id FROM committee_members WHERE person_id = $1 ORDER BY committee_id', [personId])).map(
    (r) => r.committee_id,
  );
}

/** Adds a secretary; false if they already were one. */
export async function insertSecretary(q: Queryable, committeeId: string, personId: string): Promise<boolean> {
  return (
    (await q.query('INSERT INTO committee_secretaries (committee_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [committeeId, personId]))
      .length > 0
  );
}

/** Removes a secretary; false if they were not one. */
export async function deleteSecretary(q: Queryable, committeeId: string, personId: string): Promise<boolean> {
  return (await q.query('DELETE FROM committee_secretaries WHERE committee_id = $1 AND person_id = $2 RETURNING 1', [committeeId, personId])).length > 0;
}

/** The committee's secretaries' ids, in id order. */
export async function secretaryIds(q: Queryable, committeeId: string): Promise<string[]> {
  return (await q.query<{ person_id: string }>('SELECT person_id FROM committee_secretaries WHERE committee_id = $1 ORDER BY person_id', [committeeId])).map(
    (r) => r.person_id,
  );
}

export interface PersonRow {
  personId: string;
  name: string;
}

/** The committee's secretaries by name. */
export async function secretariesOf(q: Queryable, committeeId: string): Promise<PersonRow[]> {
  const rows = await q.query<{ person_id: string; name: string }>(
    'SELECT s.person_id, p.name FROM committee_secretaries s JOIN people p ON p.id = s.person_id WHERE s.committee_id = $1 ORDER BY p.name, s.person_id',
    [committeeId],
  );
  return rows.map((r) => ({ personId: r.person_id, name: r.name }));
}

/** The committee's observers by name. */
export async function observersOf(q: Queryable, committeeId: string): Promise<PersonRow[]> {
  const rows = await q.query<{ person_id: string; name: string }>(
    'SELECT o.person_id, p.name FROM committee_observers o JOIN people p ON p.id = o.person_id WHERE o.committee_id = $1 ORDER BY p.name, o.person_id',
    [committeeId],
  );
  return rows.map((r) => ({ personId: r.person_id, name: r.name }));
}

/** The person is a member or a secretary of the committee. */
export async function isMemberOrSecretary(q: Queryable, committeeId: string, personId: string): Promise<boolean> {
  const rows = await q.query(
    'SELECT 1 FROM committee_members WHERE committee_id = $1 AND person_id = $2 UNION ALL SELECT 1 FROM committee_secretaries WHERE committee_id = $1 AND person_id = $2',
    [committeeId, personId],
  );
  return rows.length > 0;
}

/** Adds an observer; false if they already were one. */
export async function insertObserver(q: Queryable, committeeId: string, personId: string, at: Date): Promise<boolean> {
  return (
    (
      await q.query('INSERT INTO committee_observers (committee_id, person_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1', [
        committeeId,
        personId,
        at,
      ])
    ).length > 0
  );
}

/** Removes an observer; false if they were not one. */
export async function deleteObserver(q: Queryable, committeeId: string, personId: string): Promise<boolean> {
  return (await q.query('DELETE FROM committee_observers WHERE committee_id = $1 AND person_id = $2 RETURNING 1', [committeeId, personId])).length > 0;
}

export async function insertAccessChange(
  q: Queryable,
  c: { committeeId: string; at: Date; by: string; action: AccessAction; detail: Record<string, unknown> },
): Promise<void> {
  await q.query('INSERT INTO access_audit (committee_id, at, by_person, action, detail) VALUES ($1, $2, $3, $4, $5)', [
    c.committeeId,
    c.at,
    c.by,
    c.action,
    JSON.stringify(c.detail),
  ]);
}

export interface AccessChangeRow {
  at: Date;
  byPerson: string;
  action: AccessAction;
  /** jsonb: an object from pg, a JSON string from some drivers. */
  detail: Record<string, unknown> | string;
}

/** The committee's access changes, oldest first. */
export async function accessChangesOf(q: Queryable, committeeId: string): Promise<AccessChangeRow[]> {
  const rows = await q.query<{ at: Date; by_person: string; action: AccessAction; detail: Record<string, unknown> | string }>(
    'SELECT at, by_person, action, detail FROM access_audit WHERE committee_id = $1 ORDER BY id',
    [committeeId],
  );
  return rows.map((r) => ({ at: r.at, byPerson: r.by_person, action: r.action, detail: r.detail }));
}

export interface ShareLinkRow {
  voteId: string;
  committeeId: string;
  voteState: string;
  /** The seq of the vote's close entry; null until closed. */
  closedSeq: number | null;
  revokedAt: Date | null;
}

/** The share link stored under a capability's hash, with its vote's committee and state. */
export async function shareLinkByHash(q: Queryable, tokenHash: string): Promise<ShareLinkRow | undefined> {
  const row = (
    await q.query<{ vote_id: string; committee_id: string; state: string; closed_seq: string | number | null; revoked_at: Date | null }>(
      `SELECT s.vote_id, v.committee_id, v.state, v.closed_seq, s.revoked_at
         FROM vote_shares s JOIN votes v ON v.id = s.vote_id WHERE s.token_hash = $1`,
      [tokenHash],
    )
  )[0];
  return (
    row && {
      voteId: row.vote_id,
      committeeId: row.committee_id,
      voteState: row.state,
      closedSeq: row.closed_seq === null ? null : Number(row.closed_seq),
      revokedAt: row.revoked_at,
    }
  );
}
