// The SQL of people and their devices: people (whichever area adds them), enrolment codes,
// devices, login challenges, and the roles an access token's holder has now. One function per query; the services hold the rules.
import type { Queryable } from '../db/database.ts';
import type { DevicePublicKey } from '../protocol/device-key.ts';

export async function personExists(q: Queryable, personId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM people WHERE id = $1', [personId])).length > 0;
}

export async function personName(q: Queryable, personId: string): Promise<string | undefined> {
  return (await q.query<{ name: string }>('SELECT name FROM people WHERE id = $1', [personId]))[0]?.name;
}

/** A new person, not an administrator. */
export async function insertPerson(q: Queryable, name: string): Promise<string> {
  return (await q.query<{ id: string }>('INSERT INTO people (name) VALUES ($1) RETURNING id', [name]))[0]!.id;
}

/** Every administrator, by id. */
export async function adminIds(q: Queryable): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id FROM people WHERE is_admin ORDER BY id')).map((r) => r.id);
}

/** Every administrator, the first made first. */
export async function adminIdsByCreation(q: Queryable): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id FROM people WHERE is_admin ORDER BY created_at, id')).map((r) => r.id);
}

/** The first administrator, by creation. */
export async function firstAdminId(q: Queryable): Promise<string | undefined> {
  return (await q.query<{ id: string }>('SELECT id FROM people WHERE is_admin ORDER BY created_at, id LIMIT 1'))[0]?.id;
}

export async function insertAdmin(q: Queryable): Promise<string> {
  return (await q.query<{ id: string }>("INSERT INTO people (name, is_admin) VALUES ('管理员', true) RETURNING id"))[0]!.id;
}

/** Serialises bootstraps: two first starts make one administrator. Held to the transaction's end. */
export async function lockAdminBootstrap(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(7310926002)');
}

export interface DeviceHolder {
  isAdmin: boolean;
  revoked: boolean;
  secretaryOf: string[];
  memberOf: string[];
  observerOf: string[];
}

/** The person holding a device, with the committees where they are secretary, active member, observer. */
export async function deviceHolder(q: Queryable, personId: string, deviceId: string): Promise<DeviceHolder | undefined> {
  const row = (
    await q.query<{ is_admin: boolean; revoked: boolean | null; sec: string[] | null; mem: string[] | null; obs: string[] | null }>(
      `SELECT p.is_admin,
              d.revoked_at IS NOT NULL AS revoked,
              (SELECT array_agg(committee_id::text) FROM committee_secretaries WHERE person_id = p.id) AS sec,
              (SELECT array_agg(committee_id::text) FROM committee_members WHERE person_id = p.id AND active) AS mem,
              (SELECT array_agg(committee_id::text) FROM committee_observers WHERE person_id = p.id) AS obs
         FROM people p JOIN devices d ON d.person_id = p.id
        WHERE p.id = $1 AND d.id = $2`,
      [personId, deviceId],
    )
  )[0];
  if (!row) return undefined;
  return { isAdmin: row.is_admin, revoked: Boolean(row.revoked), secretaryOf: row.sec ?? [], memberOf: row.mem ?? [], observerOf: row.obs ?? [] };
}

/** Spends a person's outstanding (unused) enrolment codes. */
export async function spendEnrolmentCodes(q: Queryable, personId: string, at: Date): Promise<void> {
  await q.query('UPDATE enrolment_codes SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL', [personId, at]);
}

export async function insertEnrolmentCode(q: Queryable, codeHash: string, personId: string, expiresAt: Date): Promise<void> {
  await q.query('INSERT INTO enrolment_codes (code_hash, person_id, expires_at) VALUES ($1, $2, $3)', [codeHash, personId, expiresAt]);
}

/** Uses a code that is unused and unexpired at `at`, atomically; its person, or undefined. */
export async function useEnrolmentCode(q: Queryable, codeHash: string, at: Date): Promise<string | undefined> {
  const rows = await q.query<{ person_id: string }>(
    `UPDATE enrolment_codes SET used_at = $2
      WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
      RETURNING person_id`,
    [codeHash, at],
  );
  return rows[0]?.person_id;
}

/** A vote of one of the person's committees is open, or in draft with tokens already out. */
export async function voteInProgressForMember(q: Queryable, personId: string): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM committee_members cm
       JOIN votes v ON v.committee_id = cm.committee_id
       JOIN meetings m ON m.id = v.meeting_id
      WHERE cm.person_id = $1
        AND (v.state IN ('open', 'confirming', 'countersigning') OR (v.state = 'draft' AND m.state <> 'closed' AND EXISTS (SELECT 1 FROM token_issuances i WHERE i.vote_id = v.id)))
      LIMIT 1`,
    [personId],
  );
  return rows.length > 0;
}

export async function deviceKeyEnrolled(q: Queryable, fingerprint: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM devices WHERE fingerprint = $1', [fingerprint])).length > 0;
}

export async function insertDevice(
  q: Queryable,
  d: { personId: string; device: DevicePublicKey; fingerprint: string; label: string | null; enrolledAt: Date },
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    'INSERT INTO devices (person_id, alg, public_key, fingerprint, label, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [d.personId, d.device.alg, d.device.key, d.fingerprint, d.label, d.enrolledAt],
  );
  return rows[0]!.id;
}

/** A device's holder and state, locked for update until the transaction ends. */
export async function lockDevice(tx: Queryable, deviceId: string): Promise<{ personId: string; fingerprint: string; revokedAt: Date | null } | undefined> {
  const row = (
    await tx.query<{ person_id: string; fingerprint: string; revoked_at: Date | null }>(
      'SELECT person_id, fingerprint, revoked_at FROM devices WHERE id = $1 FOR UPDATE',
      [deviceId],
    )
  )[0];
  return row && { personId: row.person_id, fingerprint: row.fingerprint, revokedAt: row.revoked_at };
}

export async function markDeviceRevoked(q: Queryable, deviceId: string, at: Date): Promise<void> {
  await q.query('UPDATE devices SET revoked_at = $2 WHERE id = $1', [deviceId, at]);
}

/** When a device was revoked (null: it was not); undefined when there is no such device. */
export async function deviceRevokedAt(q: Queryable, deviceId: string): Promise<Date | null | undefined> {
  return (await q.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM devices WHERE id = $1', [deviceId]))[0]?.revoked_at;
}

export interface DeviceRow {
  id: string;
  personId: string;
  alg: DevicePublicKey['alg'];
  publicKey: string;
  fingerprint: string;
  label: string | null;
  enrolledAt: Date;
  revokedAt: Date | null;
}

/** Every device ever enrolled for a person, oldest first. */
export async function devicesOfPerson(q: Queryable, personId: string): Promise<DeviceRow[]> {
  const rows = await q.query<{
    id: string;
    person_id: string;
    alg: DevicePublicKey['alg'];
    public_key: string;
    fingerprint: string;
    label: string | null;
    enrolled_at: Date;
    revoked_at: Date | null;
  }>('SELECT id, person_id, alg, public_key, fingerprint, label, enrolled_at, revoked_at FROM devices WHERE person_id = $1 ORDER BY enrolled_at, id', [
    personId,
  ]);
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    alg: r.alg,
    publicKey: r.public_key,
    fingerprint: r.fingerprint,
    label: r.label,
    enrolledAt: r.enrolled_at,
    revokedAt: r.revoked_at,
  }));
}

/** Expired and used challenges serve no purpose once `now` has passed them. */
export async function purgeLoginChallenges(q: Queryable, now: Date): Promise<void> {
  await q.query('DELETE FROM login_challenges WHERE expires_at <= $1 OR used_at IS NOT NULL', [now]);
}

export async function insertLoginChallenge(q: Queryable, deviceId: string, challenge: string, expiresAt: Date): Promise<string> {
  const rows = await q.query<{ id: string }>('INSERT INTO login_challenges (device_id, challenge, expires_at) VALUES ($1, $2, $3) RETURNING id', [
    deviceId,
    challenge,
    expiresAt,
  ]);
  return rows[0]!.id;
}

export interface UsedChallenge {
  deviceId: string;
  challenge: string;
  personId: string;
  device: DevicePublicKey;
  revokedAt: Date | null;
}

/** Uses a challenge that is unused and unexpired at `at`, atomically, with its device; undefined if none. */
export async function useLoginChallenge(q: Queryable, challengeId: string, at: Date): Promise<UsedChallenge | undefined> {
  const row = (
    await q.query<{ device_id: string; challenge: string; person_id: string; alg: DevicePublicKey['alg']; public_key: string; revoked_at: Date | null }>(
      `UPDATE login_challenges c SET used_at = $2
         FROM devices d
        WHERE c.id = $1 AND c.used_at IS NULL AND c.expires_at > $2 AND d.id = c.device_id
        RETURNING c.device_id, c.challenge, d.person_id, d.alg, d.public_key, d.revoked_at`,
      [challengeId, at],
    )
  )[0];
  return (
    row && {
      deviceId: row.device_id,
      challenge: row.challenge,
      personId: row.person_id,
      device: { alg: row.alg, key: row.public_key },
      revokedAt: row.revoked_at,
    }
  );
}

/** Marks a challenge used whatever its state (a failed signature burns it). */
export async function burnLoginChallenge(q: Queryable, challengeId: string, at: Date): Promise<void> {
  await q.query('UPDATE login_challenges SET used_at = $2 WHERE id = $1', [challengeId, at]);
}
