// Committees, their members, secretaries and observers. Every roster change appends a roster
// snapshot to the committee's chain, so observers can check 应到 and who may hold a token. The
// rules live here; the SQL is in queries.ts (people and devices: devices/queries.ts).
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import { appendEntry, chainHead, initChain } from '../chain/store.ts';
import type { DeviceEvent } from '../devices/enrolment.ts';
import { adminIds, adminIdsByCreation, devicesOfPerson, insertPerson, personExists, personName } from '../devices/queries.ts';
import { voteRules, type CommitteeRules } from './rules.ts';
import type { Visibility } from './access.ts';
import { recordAccessChange } from './audit.ts';
import {
  allCommitteeIds,
  committeeById,
  committeeExists,
  committeeIdsAmong,
  committeeIdsById,
  committeesOfMember,
  committeesWithoutAdminGrant,
  deleteObserver,
  deleteSecretary,
  hasAdminGrant,
  hasVoteInProgress,
  insertCommittee,
  insertMember,
  insertObserver,
  insertSecretary,
  isMember,
  isMemberOrSecretary,
  lockCommitteeRow,
  lockCommitteeVisibility,
  memberStanding,
  membersOf,
  observersOf,
  presentAtOpenMeeting,
  secretariesOf,
  secretaryIds,
  updateMemberStanding,
  updateVisibility,
} from './queries.ts';

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

export async function createCommittee(
  ctx: AppContext,
  input: { name: string; kind: CommitteeKind; rules: CommitteeRules; visibility: Visibility },
): Promise<Committee> {
  const id = await ctx.db.transaction(async (tx) => {
    const id = await insertCommittee(tx, input);
    await initChain(tx, id);
    await appendEntry(tx, id, 'committee.created', { name: input.name, kind: input.kind, rules: voteRules(input.rules), marks: input.rules.marks });
    // Administrators are not per committee: each chain names every one, from its start.
    for (const admin of await adminIds(tx)) {
      await appendEntry(tx, id, 'admin.granted', { personId: admin });
    }
    return id;
  });
  return getCommittee(ctx.db, id);
}

export async function getCommittee(q: Queryable, id: string): Promise<Committee> {
  const row = await committeeById(q, id);
  if (!row) throw new AppError('not_found', 'No such committee.');
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    rules: row.rules,
    visibility: row.visibility,
    entitled: row.entitled,
    createdAt: iso(row.createdAt),
    head: (await chainHead(q, id))!,
  };
}

export async function assertCommitteeExists(q: Queryable, id: string): Promise<void> {
  if (!(await committeeExists(q, id))) throw new AppError('not_found', 'No such committee.');
}

export async function listCommitteeIds(q: Queryable, filter: 'all' | string[]): Promise<string[]> {
  return filter === 'all' ? allCommitteeIds(q) : committeeIdsAmong(q, filter);
}

export async function listMembers(q: Queryable, committeeId: string): Promise<Member[]> {
  return (await membersOf(q, committeeId)).map((m) => ({ memberId: m.personId, name: m.name, votingRight: m.votingRight, active: m.active }));
}

async function appendRoster(tx: Queryable, committeeId: string): Promise<void> {
  const members = (await listMembers(tx, committeeId)).sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
  await appendEntry(tx, committeeId, 'roster.changed', { members });
}

async function lockCommittee(tx: Queryable, committeeId: string): Promise<void> {
  if (!(await lockCommitteeRow(tx, committeeId))) throw new AppError('not_found', 'No such committee.');
}

/** 应到 is fixed from a vote's creation to its close, so the roster cannot change meanwhile. */
async function assertNoVoteInProgress(tx: Queryable, committeeId: string): Promise<void> {
  // A draft vote left in a closed meeting can never open, so it does not hold the roster.
  if (await hasVoteInProgress(tx, committeeId)) throw new AppError('invalid_state', 'The roster cannot change while a vote of this committee is not closed.');
}

async function personOrNew(tx: Queryable, input: { name?: string | undefined; personId?: string | undefined }, field = 'personId'): Promise<string> {
  if (input.personId) {
    if (!(await personExists(tx, input.personId))) throw new AppError('not_found', 'No such person.', { field });
    return input.personId;
  }
  // The route's schema asks for exactly one of personId and name.
  return insertPerson(tx, input.name!);
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
      if ((await isMember(tx, committeeId, personId)) || added.includes(personId))
        throw new AppError('conflict', 'This person is already a member of the committee.', { field: `${fieldOf(i)}personId` });
      await insertMember(tx, committeeId, personId, input.votingRight);
      added.push(personId);
    }
    await appendRoster(tx, committeeId);
    // A person who already has devices brings them into this committee's record too.
    for (const personId of added) {
      for (const d of await devicesOfPerson(tx, personId)) {
        await appendEntry(tx, committeeId, 'device.enrolled', { memberId: personId, device: { alg: d.alg, key: d.publicKey }, fingerprint: d.fingerprint });
        if (d.revokedAt) await appendEntry(tx, committeeId, 'device.revoked', { memberId: personId, fingerprint: d.fingerprint });
      }
    }
    return added;
  });
}

export async function updateMember(
  ctx: AppContext,
  committeeId: string,
  memberId: string,
  patch: { votingRight?: boolean | undefined; active?: boolean | undefined },
): Promise<Member> {
  await ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    const row = await memberStanding(tx, committeeId, memberId);
    if (!row) throw new AppError('not_found', 'No such member.');
    const votingRight = patch.votingRight ?? row.votingRight;
    const active = patch.active ?? row.active;
    if (votingRight === row.votingRight && active === row.active) return;
    await assertNoVoteInProgress(tx, committeeId);
    if (!votingRight || !active) {
      // 实到 counts only active voting members: one recorded present must be marked absent first.
      if (await presentAtOpenMeeting(tx, committeeId, memberId))
        throw new AppError('invalid_state', 'This member is recorded present at a meeting that is not closed; record them absent first.');
    }
    await updateMemberStanding(tx, committeeId, memberId, votingRight, active);
    await appendRoster(tx, committeeId);
  });
  return (await listMembers(ctx.db, committeeId)).find((m) => m.memberId === memberId)!;
}

export async function addSecretary(
  ctx: AppContext,
  committeeId: string,
  input: { name?: string | undefined; personId?: string | undefined },
  by: string,
): Promise<PersonRef> {
  return ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    const personId = await personOrNew(tx, input);
    if (!(await insertSecretary(tx, committeeId, personId)))
      throw new AppError('conflict', 'This person is already a secretary of the committee.', { field: 'personId' });
    await appendEntry(tx, committeeId, 'secretary.appointed', { personId, by });
    return { personId, name: (await personName(tx, personId))! };
  });
}

/** Removes a secretary; the removal is a chain entry like the appointment. */
export async function removeSecretary(ctx: AppContext, committeeId: string, personId: string, by: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    if (!(await deleteSecretary(tx, committeeId, personId))) throw new AppError('not_found', 'This person is not a secretary of the committee.');
    await appendEntry(tx, committeeId, 'secretary.removed', { personId, by });
  });
}

/** An enrolment code was issued for a person: an entry on the chain of every committee they are a member of. */
export async function recordEnrolmentIssued(tx: Queryable, personId: string, by: string): Promise<void> {
  for (const committeeId of await committeesOfMember(tx, personId)) await appendEntry(tx, committeeId, 'enrolment.issued', { memberId: personId, by });
}

/** A person became an administrator: an entry on every committee's chain. */
export async function recordAdminGranted(tx: Queryable, personId: string): Promise<void> {
  for (const id of await committeeIdsById(tx)) await appendEntry(tx, id, 'admin.granted', { personId });
}

/**
 * Chains begun before grants of power were recorded (protocol version 1) get, once, an entry
 * for every administrator and every secretary in office, appointed by the first administrator:
 * a version 2 vote is checked against them. Idempotent; run at start-up.
 */
export async function recordGrantsInOffice(ctx: AppContext): Promise<number> {
  const missing = await committeesWithoutAdminGrant(ctx.db);
  for (const id of missing) {
    await ctx.db.transaction(async (tx) => {
      await lockCommittee(tx, id);
      const again = await hasAdminGrant(tx, id);
      const admins = await adminIdsByCreation(tx);
      if (again || admins.length === 0) return;
      for (const a of [...admins].sort()) await appendEntry(tx, id, 'admin.granted', { personId: a });
      for (const s of await secretaryIds(tx, id)) await appendEntry(tx, id, 'secretary.appointed', { personId: s, by: admins[0]! });
    });
  }
  return missing.length;
}

export async function listSecretaries(q: Queryable, committeeId: string): Promise<PersonRef[]> {
  return secretariesOf(q, committeeId);
}

/** Device enrolments and revocations enter the chain of every committee the person is on. */
export async function recordDeviceEvent(tx: Queryable, event: DeviceEvent): Promise<void> {
  for (const committeeId of await committeesOfMember(tx, event.personId)) {
    if (event.kind === 'device.enrolled') {
      await appendEntry(tx, committeeId, 'device.enrolled', { memberId: event.personId, device: event.device, fingerprint: event.fingerprint });
    } else {
      await appendEntry(tx, committeeId, 'device.revoked', { memberId: event.personId, fingerprint: event.fingerprint, by: event.by });
    }
  }
}

/** An administrator sets who may read the committee's record; the change is audited (audit.ts). */
export async function setVisibility(ctx: AppContext, committeeId: string, visibility: Visibility, by: string): Promise<Committee> {
  await ctx.db.transaction(async (tx) => {
    const from = await lockCommitteeVisibility(tx, committeeId);
    if (!from) throw new AppError('not_found', 'No such committee.');
    if (from === visibility) return;
    await updateVisibility(tx, committeeId, visibility);
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'visibility.changed', { from, to: visibility });
  });
  return getCommittee(ctx.db, committeeId);
}

export async function listObservers(q: Queryable, committeeId: string): Promise<PersonRef[]> {
  return observersOf(q, committeeId);
}

/**
 * An observer (列席/观察员) reads the committee's record with devices of their own and never
 * acts. A member or secretary of the committee already reads it and is not made an observer.
 */
export async function addObserver(
  ctx: AppContext,
  committeeId: string,
  input: { name?: string | undefined; personId?: string | undefined },
  by: string,
): Promise<PersonRef> {
  return ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    const personId = await personOrNew(tx, input);
    if (await isMemberOrSecretary(tx, committeeId, personId))
      throw new AppError('conflict', 'This person is a member or secretary of the committee and reads its record already.', { field: 'personId' });
    if (!(await insertObserver(tx, committeeId, personId, ctx.now())))
      throw new AppError('conflict', 'This person is already an observer of the committee.', { field: 'personId' });
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'observer.added', { personId });
    return { personId, name: (await personName(tx, personId))! };
  });
}

export async function removeObserver(ctx: AppContext, committeeId: string, personId: string, by: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await lockCommittee(tx, committeeId);
    if (!(await deleteObserver(tx, committeeId, personId))) throw new AppError('not_found', 'This person is not an observer of the committee.');
    await recordAccessChange(tx, committeeId, ctx.now(), by, 'observer.removed', { personId });
  });
}
