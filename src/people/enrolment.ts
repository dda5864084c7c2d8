// One-time enrolment codes, devices and login challenges. Codes are 100 random bits in
// Crockford base32, grouped for reading aloud and upper-case so a QR code can use its compact
// alphanumeric mode. Only SHA-256 of a code is stored.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { AppError } from '../errors.ts';
import { deviceKeyFingerprint, deviceMessage, verifyDeviceSignature, type DevicePublicKey } from '../protocol/device-key.ts';
import { toBase64url } from '../protocol/encoding.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import { issueAccessToken } from '../http/auth.ts';
import { recordAdminGranted } from '../committees/service.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHALLENGE_TTL_MS = 2 * 60 * 1000;

export function newEnrolmentCode(): string {
  const bytes = randomBytes(13); // 104 bits; 20 symbols use 100 of them
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 20; i++) {
    out += CROCKFORD[Number(bits & 31n)];
    bits >>= 5n;
  }
  return out.match(/.{4}/g)!.join('-');
}

/** Accepts what a person may type: lower case, spaces, missing dashes, O for 0, I/L for 1. */
export function normaliseEnrolmentCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

const hashCode = (code: string) => bytesToHex(sha256(utf8ToBytes(normaliseEnrolmentCode(code))));

export async function createEnrolmentCode(ctx: AppContext, tx: Queryable, personId: string): Promise<{ code: string; expiresAt: string }> {
  const code = newEnrolmentCode();
  const expiresAt = new Date(ctx.now().getTime() + ctx.config.enrolmentCodeTtl * 1000);
  // A new code replaces the person's outstanding ones (spent without a device): at most one
  // code per person can be used at any moment.
  await tx.query('UPDATE enrolment_codes SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL', [personId, ctx.now()]);
  await tx.query('INSERT INTO enrolment_codes (code_hash, person_id, expires_at) VALUES ($1, $2, $3)', [hashCode(code), personId, expiresAt]);
  return { code, expiresAt: expiresAt.toISOString() };
}

export interface EnrolledDevice {
  id: string;
  personId: string;
  alg: string;
  publicKey: string;
  fingerprint: string;
  label: string | null;
  enrolledAt: string;
  revokedAt: string | null;
}

/** Hook for the record: called inside the enrolment transaction. */
export type DeviceEvent =
  | { kind: 'device.enrolled'; personId: string; device: DevicePublicKey; fingerprint: string }
  | { kind: 'device.revoked'; personId: string; fingerprint: string; by: string };
export type DeviceEventSink = (tx: Queryable, event: DeviceEvent) => Promise<void>;

export async function enrolDevice(
  ctx: AppContext,
  input: { code: string; device: DevicePublicKey; label?: string | undefined },
  onEvent: DeviceEventSink,
): Promise<{ personId: string; deviceId: string; fingerprint: string }> {
  // A key that is not usable throws ProtocolError('invalid_key') on device.key: a 422 for the client.
  const fingerprint = deviceKeyFingerprint(input.device);
  return ctx.db.transaction(async (tx) => {
    // Consume the code atomically: a second, concurrent use finds it already used.
    const used = await tx.query<{ person_id: string }>(
      `UPDATE enrolment_codes SET used_at = $2
        WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
        RETURNING person_id`,
      [hashCode(input.code), ctx.now()],
    );
    const personId = used[0]?.person_id;
    if (!personId) throw new AppError('enrolment_code_invalid');
    // A device enrolled during a vote could take that vote's token in the member's stead: no
    // enrolment while a vote of any of the member's committees is open, or in draft with
    // tokens already out. (The refusal rolls the code back: it stays usable afterwards.)
    const busy = await tx.query(
      `SELECT 1 FROM committee_members cm
         JOIN votes v ON v.committee_id = cm.committee_id
         JOIN meetings m ON m.id = v.meeting_id
        WHERE cm.person_id = $1
          AND (v.state IN ('open', 'confirming', 'countersigning') OR (v.state = 'draft' AND m.state <> 'closed' AND EXISTS (SELECT 1 FROM token_issuances i WHERE i.vote_id = v.id)))
        LIMIT 1`,
      [personId],
    );
    if (busy.length > 0) throw new AppError('enrolment_blocked', 'A vote of your committee is open or has issued tokens; enrol this device after it closes.');
    // Using one code spends the person's other outstanding codes.
    await tx.query('UPDATE enrolment_codes SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL', [personId, ctx.now()]);
    const clash = await tx.query('SELECT 1 FROM devices WHERE fingerprint = $1', [fingerprint]);
    if (clash.length > 0) throw new AppError('conflict', 'This device key is already enrolled.', { field: 'device.key' });
    const rows = await tx.query<{ id: string }>(
      'INSERT INTO devices (person_id, alg, public_key, fingerprint, label, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [personId, input.device.alg, input.device.key, fingerprint, input.label ?? null, ctx.now()],
    );
    await onEvent(tx, { kind: 'device.enrolled', personId, device: input.device, fingerprint });
    return { personId, deviceId: rows[0]!.id, fingerprint };
  });
}

/** Revokes a device; `by` (the administrator) is named in the record. */
export async function revokeDevice(ctx: AppContext, deviceId: string, by: string, onEvent: DeviceEventSink): Promise<EnrolledDevice> {
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<{ person_id: string; fingerprint: string; revoked_at: Date | null }>(
      'SELECT person_id, fingerprint, revoked_at FROM devices WHERE id = $1 FOR UPDATE',
      [deviceId],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'No such device.');
    if (row.revoked_at) throw new AppError('invalid_state', 'This device is already revoked.');
    await tx.query('UPDATE devices SET revoked_at = $2 WHERE id = $1', [deviceId, ctx.now()]);
    await onEvent(tx, { kind: 'device.revoked', personId: row.person_id, fingerprint: row.fingerprint, by });
    return (await listDevices(tx, row.person_id)).find((d) => d.id === deviceId)!;
  });
}

export async function listDevices(q: Queryable, personId: string): Promise<EnrolledDevice[]> {
  const rows = await q.query<{ id: string; person_id: string; alg: string; public_key: string; fingerprint: string; label: string | null; enrolled_at: Date; revoked_at: Date | null }>(
    'SELECT id, person_id, alg, public_key, fingerprint, label, enrolled_at, revoked_at FROM devices WHERE person_id = $1 ORDER BY enrolled_at, id',
    [personId],
  );
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    alg: r.alg,
    publicKey: r.public_key,
    fingerprint: r.fingerprint,
    label: r.label,
    enrolledAt: new Date(r.enrolled_at).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  }));
}

export async function createLoginChallenge(ctx: AppContext, deviceId: string): Promise<{ challengeId: string; challenge: string; expiresAt: string }> {
  const device = await ctx.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM devices WHERE id = $1', [deviceId]);
  if (!device[0]) throw new AppError('not_found', 'No such device.', { field: 'deviceId' });
  if (device[0].revoked_at) throw new AppError('device_revoked');
  // Expired and used challenges serve no purpose: each new one purges them, so the table holds
  // only the few challenges of the last two minutes.
  await ctx.db.query('DELETE FROM login_challenges WHERE expires_at <= $1 OR used_at IS NOT NULL', [ctx.now()]);
  const challenge = toBase64url(randomBytes(32));
  const expiresAt = new Date(ctx.now().getTime() + CHALLENGE_TTL_MS);
  const rows = await ctx.db.query<{ id: string }>(
    'INSERT INTO login_challenges (device_id, challenge, expires_at) VALUES ($1, $2, $3) RETURNING id',
    [deviceId, challenge, expiresAt],
  );
  return { challengeId: rows[0]!.id, challenge, expiresAt: expiresAt.toISOString() };
}

/** The bytes a device signs to log in. */
export const loginMessage = (challengeId: string, challenge: string, deviceId: string) =>
  deviceMessage('piaojue/v1/login', { challenge, challengeId, deviceId });

export async function completeLogin(ctx: AppContext, challengeId: string, signature: string): Promise<{ accessToken: string; expiresIn: number; personId: string; deviceId: string }> {
  const { personId, deviceId } = await ctx.db.transaction(async (tx) => {
    const rows = await tx.query<{ device_id: string; challenge: string; person_id: string; alg: 'ES256' | 'Ed25519'; public_key: string; revoked_at: Date | null }>(
      `UPDATE login_challenges c SET used_at = $2
         FROM devices d
        WHERE c.id = $1 AND c.used_at IS NULL AND c.expires_at > $2 AND d.id = c.device_id
        RETURNING c.device_id, c.challenge, d.person_id, d.alg, d.public_key, d.revoked_at`,
      [challengeId, ctx.now()],
    );
    const row = rows[0];
    if (!row) throw new AppError('challenge_invalid', 'The challenge is unknown, used or expired.');
    if (row.revoked_at) throw new AppError('device_revoked');
    const ok = verifyDeviceSignature({ alg: row.alg, key: row.public_key }, loginMessage(challengeId, row.challenge, row.device_id), signature);
    if (!ok) throw new AppError('challenge_invalid', 'The signature does not match this device.', { field: 'signature' });
    return { personId: row.person_id, deviceId: row.device_id };
  }).catch(async (e) => {
    // A failed signature still burns the challenge, so it cannot be tried again.
    if (e instanceof AppError && e.code === 'challenge_invalid' && e.field === 'signature') {
      await ctx.db.query('UPDATE login_challenges SET used_at = $2 WHERE id = $1', [challengeId, ctx.now()]);
    }
    throw e;
  });
  return { accessToken: await issueAccessToken(ctx, personId, deviceId), expiresIn: ctx.config.accessTokenTtl, personId, deviceId };
}

/**
 * Makes the administrator and a one-time enrolment code for them. The first start calls it
 * with no options and gets a code only when no administrator exists yet; `piaojue admin
 * bootstrap` passes `newCode` to issue a fresh code for the existing administrator (someone
 * who can run that command already controls the server).
 */
export async function bootstrapAdmin(
  ctx: AppContext,
  options: { newCode?: boolean } = {},
): Promise<{ personId: string; created: boolean; code: string; expiresAt: string } | undefined> {
  return ctx.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7310926002)');
    const admin = (await tx.query<{ id: string }>('SELECT id FROM people WHERE is_admin ORDER BY created_at, id LIMIT 1'))[0];
    if (admin && !options.newCode) return undefined;
    const personId = admin?.id ?? (await tx.query<{ id: string }>("INSERT INTO people (name, is_admin) VALUES ('管理员', true) RETURNING id"))[0]!.id;
    if (!admin) await recordAdminGranted(tx, personId);
    return { personId, created: !admin, ...(await createEnrolmentCode(ctx, tx, personId)) };
  });
}
