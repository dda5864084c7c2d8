// Access tokens: short-lived JWTs signed with the service's Ed25519 key. Verification pins the
// algorithm, issuer, audience and expiry; a token names a person and a device, and every
// request re-reads that the device is not revoked and which roles the person holds now.
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.ts';
import { SIGNING_ALG } from '../keys.ts';
import type { AppContext } from '../context.ts';
import type { Principal } from '../principal.ts';
import { deviceHolder } from './queries.ts';

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
  const holder = await deviceHolder(ctx.db, personId, deviceId);
  if (!holder) throw new AppError('token_invalid', 'The access token names an unknown device.');
  if (holder.revoked) throw new AppError('device_revoked', 'This device has been revoked; ask an administrator for a new enrolment code.');
  return {
    personId,
    deviceId,
    isAdmin: holder.isAdmin,
    secretaryOf: new Set(holder.secretaryOf),
    memberOf: new Set(holder.memberOf),
    observerOf: new Set(holder.observerOf),
  };
}

/** The principal an access token names, as of now: refuses a bad or expired token and a revoked device. */
export async function principalOfToken(ctx: AppContext, token: string): Promise<Principal> {
  const { personId, deviceId } = await verifyAccessToken(ctx, token);
  return loadPrincipal(ctx, personId, deviceId);
}
