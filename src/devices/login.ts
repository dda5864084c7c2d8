// Logging in with an enrolled device: the service hands out a one-time challenge, the device
// signs it, and a good signature earns an access token (access-tokens.ts). A challenge lives two
// minutes and is spent by its first use, good or bad.
import { randomBytes } from '@noble/hashes/utils.js';
import { AppError } from '../errors.ts';
import { deviceMessage, verifyDeviceSignature } from '../protocol/device-key.ts';
import { toBase64url } from '../protocol/encoding.ts';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/database.ts';
import type { Principal } from '../principal.ts';
import { issueAccessToken } from './access-tokens.ts';
import { burnLoginChallenge, deviceRevokedAt, insertLoginChallenge, personName, purgeLoginChallenges, useLoginChallenge } from './queries.ts';

const CHALLENGE_TTL_MS = 2 * 60 * 1000;

export async function createLoginChallenge(ctx: AppContext, deviceId: string): Promise<{ challengeId: string; challenge: string; expiresAt: string }> {
  const revokedAt = await deviceRevokedAt(ctx.db, deviceId);
  if (revokedAt === undefined) throw new AppError('not_found', 'No such device.', { field: 'deviceId' });
  if (revokedAt) throw new AppError('device_revoked');
  // Expired and used challenges serve no purpose: each new one purges them, so the table holds
  // only the few challenges of the last two minutes.
  await purgeLoginChallenges(ctx.db, ctx.now());
  const challenge = toBase64url(randomBytes(32));
  const expiresAt = new Date(ctx.now().getTime() + CHALLENGE_TTL_MS);
  const challengeId = await insertLoginChallenge(ctx.db, deviceId, challenge, expiresAt);
  return { challengeId, challenge, expiresAt: expiresAt.toISOString() };
}

/** The bytes a device signs to log in. */
export const loginMessage = (challengeId: string, challenge: string, deviceId: string) =>
  deviceMessage('piaojue/v1/login', { challenge, challengeId, deviceId });

export async function completeLogin(
  ctx: AppContext,
  challengeId: string,
  signature: string,
): Promise<{ accessToken: string; expiresIn: number; personId: string; deviceId: string }> {
  const { personId, deviceId } = await ctx.db
    .transaction(async (tx) => {
      const used = await useLoginChallenge(tx, challengeId, ctx.now());
      if (!used) throw new AppError('challenge_invalid', 'The challenge is unknown, used or expired.');
      if (used.revokedAt) throw new AppError('device_revoked');
      const ok = verifyDeviceSignature(used.device, loginMessage(challengeId, used.challenge, used.deviceId), signature);
      if (!ok) throw new AppError('challenge_invalid', 'The signature does not match this device.', { field: 'signature' });
      return { personId: used.personId, deviceId: used.deviceId };
    })
    .catch(async (e) => {
      // A failed signature still burns the challenge, so it cannot be tried again.
      if (e instanceof AppError && e.code === 'challenge_invalid' && e.field === 'signature') {
        await burnLoginChallenge(ctx.db, challengeId, ctx.now());
      }
      throw e;
    });
  return { accessToken: await issueAccessToken(ctx, personId, deviceId), expiresIn: ctx.config.accessTokenTtl, personId, deviceId };
}

/** Who the signed-in caller is (GET /v1/me): their name, device and roles. */
export async function whoAmI(q: Queryable, p: Principal) {
  return {
    personId: p.personId,
    name: (await personName(q, p.personId))!,
    deviceId: p.deviceId,
    isAdmin: p.isAdmin,
    secretaryOf: [...p.secretaryOf].sort(),
    memberOf: [...p.memberOf].sort(),
    observerOf: [...p.observerOf].sort(),
  };
}
