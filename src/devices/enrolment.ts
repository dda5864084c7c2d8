// One-time enrolment codes and the devices they enrol; revoking a device; the first
// administrator. Codes are 100 random bits in
// Crockford base32, grouped for reading aloud and upper-case so a QR code can use its compact
// alphanumeric mode. Only SHA-256 of a code is stored.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { AppError } from '../errors.ts';
import { deviceKeyFingerprint, type DevicePublicKey } from '../protocol/device-key.ts';
import type { Queryable } from '../db/database.ts';
import type { AppContext } from '../context.ts';
import { recordAdminGranted, recordEnrolmentIssued } from '../committees/service.ts';
import {
  devicesOfPerson,
  deviceKeyEnrolled,
  firstAdminId,
  insertAdmin,
  insertDevice,
  insertEnrolmentCode,
  lockAdminBootstrap,
  lockDevice,
  markDeviceRevoked,
  personExists,
  spendEnrolmentCodes,
  useEnrolmentCode,
  voteInProgressForMember,
} from './queries.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

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
  await spendEnrolmentCodes(tx, personId, ctx.now());
  await insertEnrolmentCode(tx, hashCode(code), personId, expiresAt);
  return { code, expiresAt: expiresAt.toISOString() };
}

/** An administrator (`by`) issues a code for a person; the chain records that, never the code. */
export async function issueEnrolmentCode(ctx: AppContext, personId: string, by: string): Promise<{ code: string; expiresAt: string }> {
  if (!(await personExists(ctx.db, personId))) throw new AppError('not_found', 'No such person.');
  return ctx.db.transaction(async (tx) => {
    const code = await createEnrolmentCode(ctx, tx, personId);
    await recordEnrolmentIssued(tx, personId, by);
    return code;
  });
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
    const personId = await useEnrolmentCode(tx, hashCode(input.code), ctx.now());
    if (!personId) throw new AppError('enrolment_code_invalid');
    // A device enrolled during a vote could take that vote's token in the member's stead: no
    // enrolment while a vote of any of the member's committees is open, or in draft with
    // tokens already out. (The refusal rolls the code back: it stays usable afterwards.)
    if (await voteInProgressForMember(tx, personId))
      throw new AppError('enrolment_blocked', 'A vote of your committee is open or has issued tokens; enrol this device after it closes.');
    // Using one code spends the person's other outstanding codes.
    await spendEnrolmentCodes(tx, personId, ctx.now());
    if (await deviceKeyEnrolled(tx, fingerprint)) throw new AppError('conflict', 'This device key is already enrolled.', { field: 'device.key' });
    const deviceId = await insertDevice(tx, { personId, device: input.device, fingerprint, label: input.label ?? null, enrolledAt: ctx.now() });
    await onEvent(tx, { kind: 'device.enrolled', personId, device: input.device, fingerprint });
    return { personId, deviceId, fingerprint };
  });
}

/** Revokes a device; `by` (the administrator) is named in the record. */
export async function revokeDevice(ctx: AppContext, deviceId: string, by: string, onEvent: DeviceEventSink): Promise<EnrolledDevice> {
  return ctx.db.transaction(async (tx) => {
    const device = await lockDevice(tx, deviceId);
    if (!device) throw new AppError('not_found', 'No such device.');
    if (device.revokedAt) throw new AppError('invalid_state', 'This device is already revoked.');
    await markDeviceRevoked(tx, deviceId, ctx.now());
    await onEvent(tx, { kind: 'device.revoked', personId: device.personId, fingerprint: device.fingerprint, by });
    return (await listDevices(tx, device.personId)).find((d) => d.id === deviceId)!;
  });
}

export async function listDevices(q: Queryable, personId: string): Promise<EnrolledDevice[]> {
  return (await devicesOfPerson(q, personId)).map((d) => ({
    ...d,
    enrolledAt: new Date(d.enrolledAt).toISOString(),
    revokedAt: d.revokedAt ? new Date(d.revokedAt).toISOString() : null,
  }));
}

/** Every device ever enrolled in a person's name; not_found for no such person. */
export async function devicesOfExistingPerson(q: Queryable, personId: string): Promise<EnrolledDevice[]> {
  if (!(await personExists(q, personId))) throw new AppError('not_found', 'No such person.');
  return listDevices(q, personId);
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
    await lockAdminBootstrap(tx);
    const admin = await firstAdminId(tx);
    if (admin && !options.newCode) return undefined;
    const personId = admin ?? (await insertAdmin(tx));
    if (!admin) await recordAdminGranted(tx, personId);
    return { personId, created: !admin, ...(await createEnrolmentCode(ctx, tx, personId)) };
  });
}
