// Access tokens: short-lived JWTs signed with the service's Ed25519 key. Verification pins the
// algorithm, issuer, audience and expiry; a token names a person and a device, and every
// request re-reads that the device is not revoked and which roles the person holds now.
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.ts';
import { SIGNING_ALG } from '../keys.ts';
import type { AppContext } from '../context.ts';
import type { Principal } from '../principal.ts';

export const AUDIENCE = 'piaojue-api';

export async function issueAccessToken(ctx: AppContext, personId: string, deviceId: string): Promise<string> {
  const now = Math.floor(ctx.now().getTime() / 1000);
  return new SignJWT({ did: deviceId })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: ctx.keys.kid, typ: 'at+jwt' })
    .setIssuer(ctx.config.issuer)
    .setAudience(AUDIENCE)
    .setSubject(personId)
    .setIssuedAt(now)
    .setExpirationTime(now + ctx.config.accessTokenTtl)
    .sign(ctx.keys.privateKey);
}

async function verifyAccessToken(ctx: AppContext, token: string): Promise<{ personId: string; deviceId: string }> {
  try {
    const { payload } = await jwtVerify(token, ctx.keys.publicKey, {
      algorithms: [SIGNING_ALG],
      issuer: ctx.config.issuer,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      typ: 'at+jwt',
      currentDate: ctx.now(),
    });
    if (typeof payload.sub !== 'string' || typeof payload['did'] !== 'string') throw new Error('claims');
    return { personId: payload.sub, deviceId: payload['did'] };
  } catch (e) {
    const expired = e instanceof joseErrors.JWTExpired;
    throw new AppError('token_invalid', expired ? 'The access token has expired.' : 'The access token is not valid.');
  }
}

async function loadPrincipal(ctx: AppContext, personId: string, deviceId: string): Promise<Principal> {
  const rows = await ctx.db.query<{ is_admin: boolean; revoked: boolean | null; sec: string[] | null; mem: string[] | null; obs: string[] | null }>(
    `SELECT p.is_admin,
            d.revoked_at IS NOT NULL AS revoked,
            (SELECT array_agg(committee_id::text) FROM committee_secretaries WHERE person_id = p.id) AS sec,
            (SELECT array_agg(committee_id::text) FROM committee_members WHERE person_id = p.id AND active) AS mem,
            (SELECT array_agg(committee_id::text) FROM committee_observers WHERE person_id = p.id) AS obs
       FROM people p JOIN devices d ON d.person_id = p.id
      WHERE p.id = $1 AND d.id = $2`,
    [personId, deviceId],
  );
  const row = rows[0];
  if (!row) throw new AppError('token_invalid', 'The access token names an unknown device.');
  if (row.revoked) throw new AppError('device_revoked', 'This device has been revoked; ask an administrator for a new enrolment code.');
  return {
    personId,
    deviceId,
    isAdmin: row.is_admin,
    secretaryOf: new Set(row.sec ?? []),
    memberOf: new Set(row.mem ?? []),
    observerOf: new Set(row.obs ?? []),
  };
}

/** The principal an access token names, as of now: refuses a bad or expired token and a revoked device. */
export async function principalOfToken(ctx: AppContext, token: string): Promise<Principal> {
  const { personId, deviceId } = await verifyAccessToken(ctx, token);
  return loadPrincipal(ctx, personId, deviceId);
}
