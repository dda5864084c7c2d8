// Committees, their members and secretaries. Every roster change appends a roster snapshot to
// the committee's chain, so observers can check 应到 and who may hold a token.
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import { appendEntry, chainHead, initChain } from '../ledger/ledger.ts';
import type { DevicePublicKey } from '../protocol/device-key.ts';
import type { DeviceEvent } from '../people/enrolment.ts';
import { voteRules, type CommitteeRules } from './rules.ts';
import type { Visibility } from './access.ts';
import { recordAccessChange } from './audit.ts';

export type CommitteeKind = 'standing' | 'full' | 'other';

export interface Committee {
  id: string;
  name: string;
  kind: CommitteeKind;
  rules: CommitteeRules;
  /** Who may read the record: anyone (`public`) or the committee's own people (`restricted`). */
  visibility: Visibility;
  entitled: number;
  createdAt: string;
  head: { seq: number; hash: string };
}

export interface Member {
  memberId: string;
  name: string;
  votingRight: boolean;
  active: boolean;
}

export interface PersonRef {
  personId: string;
  name: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export async function createCommittee(ctx: AppContext, input: { name: string; kind: CommitteeKind; rules: CommitteeRules; visibility: Visibility }): Promise<Committee> {
  const id = await ctx.db.transaction(async (tx) => {
    const row = (
      await tx.query<{ id: string }>('INSERT INTO committees (name, kind, rules, visibility) VALUES ($1, $2, $3, $4) RETURNING id', [input.name, input.kind, JSON.stringify(input.rules), input.visibility])
    )[0]!;
    await initChain(tx, row.id);
    await appendEntry(tx, row.id, 'committee.created', { name: input.name, kind: input.kind, rules: voteRules(input.rules), marks: input.rules.marks });
    // Administrators are not per committee: each chain names every one, from its start.
    for (const admin of await tx.query<{ id: string }>('SELECT id FROM people WHERE is_admin ORDER BY id')) {
      await appendEntry(tx, row.id, 'admin.granted', { personId: admin.id });
    }
    return row.id;
  });
  return getCommittee(ctx.db, id);
}

export async function getCommittee(q: Queryable, id: string): Promise<Committee> {
  const row = (
    await q.query<{ id: string; name: string; kind: CommitteeKind; rules: CommitteeRules; visibility: Visibility; created_at: Date; entitled: number }>(
      `SELECT c.id, c.name, c.kind, c.rules, c.visibility, c.created_at, (SELECT count(*) FROM committee_members m WHERE m.committee_id = c.id AND m.active AND m.voting_right) AS entitled
         FROM committees c WHERE c.id = $1`,
      [id],
    )
  )[0];
  if (!row) throw new AppError('not_found', 'No such committee.');
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    rules: row.rules,
    visibility: row.visibility,
    entitled: Number(row.entitled),
    createdAt: iso(row.created_at),
    head: (await chainHead(q, id))!,
  };
}

export async function assertCommitteeExists(q: Queryable, id: string): Promise<void> {
  const rows = await q.query('SELECT 1 FROM committees WHERE id = $1', [id]);
  if (rows.length === 0) throw new AppError('not_found', 'No such committee.');
}

export async function listCommitteeIds(q: Queryable, filter: 'all' | string[]): Promise<string[]> {
  const rows =
    filter === 'all'
      ? await q.query<{ id: string }>('SELECT id FROM committees ORDER BY created_at, id')
      : await q.query<{ id: string }>('SELECT id FROM committees WHERE id = ANY($1::uuid[]) ORDER BY created_at, id', [filter]);
  return rows.map((r) => r.id);
}

export async function listMembers(q: Queryable, committeeId: string): Promise<Member[]> {
  const rows = await q.query<{ person_id: string; name: string; voting_right: boolean; active: boolean }>(
    `SELECT m.person_id, p.name, m.voting_right, m.active
       FROM committee_members m JOIN people p ON p.id = m.person_id
      WHERE m.committee_id = $1 ORDER BY m.added_at, m.person_id`,
    [committeeId],
  );
  return rows.map((r) => ({ memberId: r.person_id, name: r.name, votingRight: r.voting_right, active: r.active }));
}

async function appendRoster(tx: Queryable, committeeId: string): Promise<void> {
  const members = (await listMembers(tx, committeeId)).sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
  await appendEntry(tx, committeeId, 'roster.changed', { members });
}

async function lockCommittee(tx: Queryable, committeeId: string): Promise<void> {
  const rows = await tx.query('SELECT 1 FROM committees WHERE id = $1 FOR NO KEY UPDATE', [committeeId]);
  if (rows.length === 0) throw new AppError('not_found', 'No such committee.');
}

/** 应到 is fixed from a vote's creation to its close, so the roster cannot change meanwhile. */
async function assertNoVoteInProgress(tx: Queryable, committeeId: string): Promise<void> {
  // A draft vote left in a closed meeting can never open, so it does not hold the roster.
  const rows = await tx.query(
    "SELECT 1 FROM votes v JOIN meetings m ON m.id = v.meeting_id WHERE v.committee_id = $1 AND v.state <> 'closed' AND m.state <> 'closed' LIMIT 1",
    [committeeId],
  );
  if (rows.length > 0) throw new AppError('invalid_state', 'The roster cannot change while a vote of this committee is not closed.');
}

async function personOrNew(tx: Queryable, input: { name?: string | undefined; personId?: string | undefined }, field = 'personId'): Promise<string> {
  if (input.personId) {
    const rows = await tx.query('SELECT 1 FROM people WHERE id = $1', [input.personId]);
    if (rows.length === 0) throw new AppError('not_found', 'No such person.', { field });
    return input.personId;
  }
  return (await tx.query<{ id: string }>('INSERT INTO people (name) VALUES ($1) RETURNING id', [input.name]))[0]!.id;
}

type MemberInput = { name?: string | undefined; personId?: string | undefined; votingRight: boolean };

export async function addMember(ctx: AppContext, committeeId: string, input: MemberInput): Promise<Member> {
  const [memberId] = await addToRoster(ctx, committeeId, [input], (i) => (i === 0 ? '' : `members.${i}.`));
  return (await listMembers(ctx.db, committeeId)).find((m) => m.memberId === memberId)!;
}

/**
 * Adds many members in one step: one transaction and one roster.changed entry for them all (a
 * committee of hundreds set up one by one would leave as many full roster snapshots in its
 * record). All or nothing: a person named twice, or already a member, refuses the whole list.
 */
export async function addMembers(ctx: AppContext, committeeId: string, inputs: MemberInput[]): Promise<Member[]> {
  const ids = new Set(await addToRoster(ctx, committeeId, inputs, (i) => `members.${i}.`));
  return (await listMembers(ctx.db, committeeId)).filter((m) => ids.has(m.memberId));
}

async function addToRoster(ctx: AppContext, committeeId: string, inputs: MemberInput[], fieldOf: (i: number) => string): Promise<string[]> {
  return ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    await assertNoVoteInProgress(tx, committeeId);
    const added: string[] = [];
    for (const [i, input] of inputs.entries()) {
      const personId = await personOrNew(tx, input, `${fieldOf(i)}personId`);
      const exists = await tx.query('SELECT 1 FROM committee_members WHERE committee_id = $1 AND person_id = $2', [committeeId, personId]);
      if (exists.length > 0 || added.includes(personId)) throw new AppError('conflict', 'This person is already a member of the committee.', { field: `${fieldOf(i)}personId` });
      await tx.query('INSERT INTO committee_members (committee_id, person_id, voting_right) VALUES ($1, $2, $3)', [committeeId, personId, input.votingRight]);
      added.push(personId);
    }
    await appendRoster(tx, committeeId);
    // A person who already has devices brings them into this committee's record too.
    for (const personId of added) {
      const devices = await tx.query<{ alg: DevicePublicKey['alg']; public_key: string; fingerprint: string; revoked_at: Date | null }>(
        'SELECT alg, public_key, fingerprint, revoked_at FROM devices WHERE person_id = $1 ORDER BY enrolled_at, id',
        [personId],
      );
      for (const d of devices) {
        await appendEntry(tx, committeeId, 'device.enrolled', { memberId: personId, device: { alg: d.alg, key: d.public_key }, fingerprint: d.fingerprint });
        if (d.revoked_at) await appendEntry(tx, committeeId, 'device.revoked', { memberId: personId, fingerprint: d.fingerprint });
      }
    }
    return added;
  });
}

export async function updateMember(ctx: AppContext, committeeId: string, memberId: string, patch: { votingRight?: boolean | undefined; active?: boolean | undefined }): Promise<Member> {
  await ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    const rows = await tx.query<{ voting_right: boolean; active: boolean }>(
      'SELECT voting_right, active FROM committee_members WHERE committee_id = $1 AND person_id = $2',
      [committeeId, memberId],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'No such member.');
    const votingRight = patch.votingRight ?? row.voting_right;
    const active = patch.active ?? row.active;
    if (votingRight === row.voting_right && active === row.active) return;
    await assertNoVoteInProgress(tx, committeeId);
    if (!votingRight || !active) {
      // 实到 counts only active voting members: one recorded present must be marked absent first.
      const present = await tx.query(
        "SELECT 1 FROM attendance a JOIN meetings m ON m.id = a.meeting_id WHERE m.committee_id = $1 AND a.person_id = $2 AND m.state <> 'closed' LIMIT 1",
        [committeeId, memberId],
      );
      if (present.length > 0) throw new AppError('invalid_state', 'This member is recorded present at a meeting that is not closed; record them absent first.');
    }
    await tx.query('UPDATE committee_members SET voting_right = $3, active = $4 WHERE committee_id = $1 AND person_id = $2', [committeeId, memberId, votingRight, active]);
    await appendRoster(tx, committeeId);
  });
  return (await listMembers(ctx.db, committeeId)).find((m) => m.memberId === memberId)!;
}

export async function addSecretary(ctx: AppContext, committeeId: string, input: { name?: string | undefined; personId?: string | undefined }, by: string): Promise<PersonRef> {
  return ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    const personId = await personOrNew(tx, input);
    const rows = await tx.query('INSERT INTO committee_secretaries (committee_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [committeeId, personId]);
    if (rows.length === 0) throw new AppError('conflict', 'This person is already a secretary of the committee.', { field: 'personId' });
    await appendEntry(tx, committeeId, 'secretary.appointed', { personId, by });
    const name = (await tx.query<{ name: string }>('SELECT name FROM people WHERE id = $1', [personId]))[0]!.name;
    return { personId, name };
  });
}

/** Removes a secretary; the removal is a chain entry like the appointment. */
export async function removeSecretary(ctx: AppContext, committeeId: string, personId: string, by: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    const rows = await tx.query('DELETE FROM committee_secretaries WHERE committee_id = $1 AND person_id = $2 RETURNING 1', [committeeId, personId]);
    if (rows.length === 0) throw new AppError('not_found', 'This person is not a secretary of the committee.');
    await appendEntry(tx, committeeId, 'secretary.removed', { personId, by });
  });
}

/** An enrolment code was issued for a person: an entry on the chain of every committee they are a member of. */
export async function recordEnrolmentIssued(tx: Queryable, personId: string, by: string): Promise<void> {
  const committees = await tx.query<{ committee_id: string }>('SELECT committee_id FROM committee_members WHERE person_id = $1 ORDER BY committee_id', [personId]);
  for (const { committee_id } of committees) await appendEntry(tx, committee_id, 'enrolment.issued', { memberId: personId, by });
}

/** A person became an administrator: an entry on every committee's chain. */
export async function recordAdminGranted(tx: Queryable, personId: string): Promise<void> {
  for (const { id } of await tx.query<{ id: string }>('SELECT id FROM committees ORDER BY id')) await appendEntry(tx, id, 'admin.granted', { personId });
}

/**
 * Chains begun before grants of power were recorded (protocol version 1) get, once, an entry
 * for every administrator and every secretary in office, appointed by the first administrator:
 * a version 2 vote is checked against them. Idempotent; run at start-up.
 */
export async function recordGrantsInOffice(ctx: AppContext): Promise<number> {
  const missing = await ctx.db.query<{ id: string }>(
    "SELECT c.id FROM committees c WHERE NOT EXISTS (SELECT 1 FROM chain_entries e WHERE e.committee_id = c.id AND e.kind = 'admin.granted') ORDER BY c.id",
  );
  for (const { id } of missing) {
    await ctx.db.transaction(async (tx) => {
      await lockCommittee(tx, id);
      const again = await tx.query("SELECT 1 FROM chain_entries WHERE committee_id = $1 AND kind = 'admin.granted' LIMIT 1", [id]);
      const admins = await tx.query<{ id: string }>('SELECT id FROM people WHERE is_admin ORDER BY created_at, id');
      if (again.length > 0 || admins.length === 0) return;
      for (const a of [...admins].sort((x, y) => (x.id < y.id ? -1 : 1))) await appendEntry(tx, id, 'admin.granted', { personId: a.id });
      const secretaries = await tx.query<{ person_id: string }>('SELECT person_id FROM committee_secretaries WHERE committee_id = $1 ORDER BY person_id', [id]);
      for (const s of secretaries) await appendEntry(tx, id, 'secretary.appointed', { personId: s.person_id, by: admins[0]!.id });
    });
  }
  return missing.length;
}

export async function listSecretaries(q: Queryable, committeeId: string): Promise<PersonRef[]> {
  const rows = await q.query<{ person_id: string; name: string }>(
    'SELECT s.person_id, p.name FROM committee_secretaries s JOIN people p ON p.id = s.person_id WHERE s.committee_id = $1 ORDER BY p.name, s.person_id',
    [committeeId],
  );
  return rows.map((r) => ({ personId: r.person_id, name: r.name }));
}

/** Device enrolments and revocations enter the chain of every committee the person is on. */
export async function recordDeviceEvent(tx: Queryable, event: DeviceEvent): Promise<void> {
  const committees = await tx.query<{ committee_id: string }>('SELECT committee_id FROM committee_members WHERE person_id = $1 ORDER BY committee_id', [event.personId]);
  for (const { committee_id } of committees) {
    if (event.kind === 'device.enrolled') {
      await appendEntry(tx, committee_id, 'device.enrolled', { memberId: event.personId, device: event.device, fingerprint: event.fingerprint });
    } else {
      await appendEntry(tx, committee_id, 'device.revoked', { memberId: event.personId, fingerprint: event.fingerprint, by: event.by });
    }
  }
}

/** An administrator sets who may read the committee's record; the change is audited (audit.ts). */
export async function setVisibility(ctx: AppContext, committeeId: string, visibility: Visibility, by: string): Promise<Committee> {
  await ctx.db.transaction(async (tx) => {
    const row = (await tx.query<{ visibility: Visibility }>('SELECT visibility FROM committees WHERE id = $1 FOR NO KEY UPDATE', [committeeId]))[0];
    if (!row) throw new AppError('not_found', 'No such committee.');
    if (row.visibility === visibility) return;
    await tx.query('UPDATE committees SET visibility = $2 WHERE id = $1', [committeeId, visibility]);
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'visibility.changed', { from: row.visibility, to: visibility });
  });
  return getCommittee(ctx.db, committeeId);
}

export async function listObservers(q: Queryable, committeeId: string): Promise<PersonRef[]> {
  const rows = await q.query<{ person_id: string; name: string }>(
    'SELECT o.person_id, p.name FROM committee_observers o JOIN people p ON p.id = o.person_id WHERE o.committee_id = $1 ORDER BY p.name, o.person_id',
    [committeeId],
  );
  return rows.map((r) => ({ personId: r.person_id, name: r.name }));
}

/**
 * An observer (列席/观察员) reads the committee's record with devices of their own and never
 * acts. A member or secretary of the committee already reads it and is not made an observer.
 */
export async function addObserver(ctx: AppContext, committeeId: string, input: { name?: string | undefined; personId?: string | undefined }, by: string): Promise<PersonRef> {
  return ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    const personId = await personOrNew(tx, input);
    const insider = await tx.query(
      'SELECT 1 FROM committee_members WHERE committee_id = $1 AND person_id = $2 UNION ALL SELECT 1 FROM committee_secretaries WHERE committee_id = $1 AND person_id = $2',
      [committeeId, personId],
    );
    if (insider.length > 0) throw new AppError('conflict', 'This person is a member or secretary of the committee and reads its record already.', { field: 'personId' });
    const rows = await tx.query('INSERT INTO committee_observers (committee_id, person_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1', [committeeId, personId, ctx.now()]);
    if (rows.length === 0) throw new AppError('conflict', 'This person is already an observer of the committee.', { field: 'personId' });
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'observer.added', { personId });
    const name = (await tx.query<{ name: string }>('SELECT name FROM people WHERE id = $1', [personId]))[0]!.name;
    return { personId, name };
  });
}

export async function removeObserver(ctx: AppContext, committeeId: string, personId: string, by: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    const rows = await tx.query('DELETE FROM committee_observers WHERE committee_id = $1 AND person_id = $2 RETURNING 1', [committeeId, personId]);
    if (rows.length === 0) throw new AppError('not_found', 'This person is not an observer of the committee.');
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'observer.removed', { personId });
  });
}
