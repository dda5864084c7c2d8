// The service's Ed25519 signing key: signs access tokens (JWT), ballot receipts and tallies
// (JWS). Created on first start in the data folder (mode 0600) or taken from
// PIAOJUE_SIGNING_KEY (a private JWK, so several instances can share one key). Only the
// public half leaves the process, at /.well-known/jwks.json.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { z } from 'zod';

export const SIGNING_ALG = 'EdDSA';

export interface ServiceKeys {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  /** The private JWK: used only to derive the at-rest key for per-vote secrets. */
  privateJwk: JWK;
  jwks: { keys: JWK[] };
}

const privateJwkSchema = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), d: z.string() }).loose();

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

async function fromPrivateJwk(jwk: JWK): Promise<ServiceKeys> {
  const parsed = privateJwkSchema.safeParse(jwk);
  if (!parsed.success) throw new SigningKeyError('signing key must be an Ed25519 private JWK (kty OKP, crv Ed25519, x, d)');
  const { kty, crv, x, d } = parsed.data;
  const privateJwk: JWK = { kty, crv, x, d };
  const publicBase: JWK = { kty, crv, x };
  const kid = await calculateJwkThumbprint(publicBase);
  const privateKey = (await importJWK({ ...privateJwk, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  const publicKey = (await importJWK({ ...publicBase, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  const publicJwk: JWK = { ...publicBase, kid, alg: SIGNING_ALG, use: 'sig' };
  return { kid, privateKey, publicKey, publicJwk, privateJwk, jwks: { keys: [publicJwk] } };
}

export async function generateServiceKeys(): Promise<ServiceKeys> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  return fromPrivateJwk(await exportJWK(privateKey));
}

/** Loads the key from PIAOJUE_SIGNING_KEY, else from the data folder, else creates it there. */
export async function loadServiceKeys(options: { signingKey?: string | undefined; dataDir: string }): Promise<ServiceKeys> {
  if (options.signingKey) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(options.signingKey) as JWK;
    } catch {
      throw new SigningKeyError('PIAOJUE_SIGNING_KEY is not JSON (expected an Ed25519 private JWK)');
    }
    return fromPrivateJwk(jwk);
  }
  const file = join(options.dataDir, 'signing-key.json');
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== undefined) return fromPrivateJwk(JSON.parse(text) as JWK);
  const keys = await generateServiceKeys();
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  // 'wx' fails if another process created the file meanwhile; then use theirs.
  try {
    await writeFile(file, JSON.stringify(keys.privateJwk), { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fromPrivateJwk(JSON.parse(await readFile(file, 'utf8')) as JWK);
    throw e;
  }
  return keys;
}
