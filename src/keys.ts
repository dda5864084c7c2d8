// The service's Ed25519 signing key: signs access tokens (JWT), ballot receipts and tallies
// (JWS). Created on first start in the data folder (mode 0600) or taken from
// PIAOJUE_SIGNING_KEY (a private JWK, so several instances can share one key). Only the
// public half leaves the process, at /.well-known/jwks.json.
//
// After `piaojue keys rotate` the service also holds retired keys (the data folder's
// retired-keys.json, or PIAOJUE_RETIRED_KEYS beside PIAOJUE_SIGNING_KEY): they sign nothing
// any more, but they still open what they sealed and stay in the JWKS, so receipts and
// tallies signed before the rotation still verify.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { z } from 'zod';

export const SIGNING_ALG = 'EdDSA';

/** A key that signed and sealed before a rotation: kept to open what it sealed and published in the JWKS. */
export interface RetiredKey {
  kid: string;
  publicJwk: JWK;
  privateJwk: JWK;
}

export interface ServiceKeys {
  /** The active key's id (its RFC 7638 thumbprint): it signs, and new sealed data names it. */
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  /** The private JWK: used only to derive the at-rest key for per-vote secrets. */
  privateJwk: JWK;
  /** Older keys, newest first; never the active one. */
  retired: readonly RetiredKey[];
  /** The active key's public JWK first, then the retired ones'. */
  jwks: { keys: JWK[] };
}

export const KEY_FILE = 'signing-key.json';
export const RETIRED_KEYS_FILE = 'retired-keys.json';

const privateJwkSchema = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), d: z.string() }).loose();

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

async function retiredFromJwk(jwk: unknown, what = 'signing key'): Promise<RetiredKey> {
  const parsed = privateJwkSchema.safeParse(jwk);
  if (!parsed.success) throw new SigningKeyError(`${what} must be an Ed25519 private JWK (kty OKP, crv Ed25519, x, d)`);
  const { kty, crv, x, d } = parsed.data;
  const publicBase: JWK = { kty, crv, x };
  const kid = await calculateJwkThumbprint(publicBase);
  return { kid, privateJwk: { kty, crv, x, d }, publicJwk: { ...publicBase, kid, alg: SIGNING_ALG, use: 'sig' } };
}

/** The active key with the retired ones (duplicates and the active key itself are dropped from the retired list). */
export async function withRetiredKeys(active: RetiredKey, retired: readonly RetiredKey[]): Promise<ServiceKeys> {
  const { kid, privateJwk, publicJwk } = active;
  const privateKey = (await importJWK({ ...privateJwk, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  const publicKey = (await importJWK({ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  const seen = new Set([kid]);
  const kept = retired.filter((k) => !seen.has(k.kid) && seen.add(k.kid));
  return { kid, privateKey, publicKey, publicJwk, privateJwk, retired: kept, jwks: { keys: [publicJwk, ...kept.map((k) => k.publicJwk)] } };
}

async function fromPrivateJwk(jwk: unknown, retired: readonly RetiredKey[] = []): Promise<ServiceKeys> {
  return withRetiredKeys(await retiredFromJwk(jwk), retired);
}

async function newKey(): Promise<RetiredKey> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  return retiredFromJwk(await exportJWK(privateKey));
}

export async function generateServiceKeys(): Promise<ServiceKeys> {
  return withRetiredKeys(await newKey(), []);
}

/** A new active key; the current active key becomes the newest retired one. */
export async function rotatedServiceKeys(current: ServiceKeys): Promise<ServiceKeys> {
  const old: RetiredKey = { kid: current.kid, publicJwk: current.publicJwk, privateJwk: current.privateJwk };
  return withRetiredKeys(await newKey(), [old, ...current.retired]);
}

/** Parses a JSON array of Ed25519 private JWKs (PIAOJUE_RETIRED_KEYS, retired-keys.json). */
export async function parseRetiredKeys(text: string, source: string): Promise<RetiredKey[]> {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw new SigningKeyError(`${source} is not JSON (expected an array of Ed25519 private JWKs)`);
  }
  if (!Array.isArray(list)) throw new SigningKeyError(`${source} must be a JSON array of Ed25519 private JWKs`);
  return Promise.all(list.map((k, i) => retiredFromJwk(k, `${source}[${i}]`)));
}

/** The text of PIAOJUE_RETIRED_KEYS or retired-keys.json for these keys' retired list. */
export function retiredKeysText(keys: ServiceKeys): string {
  return JSON.stringify(keys.retired.map((k) => k.privateJwk));
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return undefined;
  }
}

/**
 * Loads the key from PIAOJUE_SIGNING_KEY (with PIAOJUE_RETIRED_KEYS), else from the data folder
 * (signing-key.json with retired-keys.json), else creates it there.
 */
export async function loadServiceKeys(options: { signingKey?: string | undefined; retiredKeys?: string | undefined; dataDir: string }): Promise<ServiceKeys> {
  if (options.signingKey) {
    let jwk: unknown;
    try {
      jwk = JSON.parse(options.signingKey);
    } catch {
      throw new SigningKeyError('PIAOJUE_SIGNING_KEY is not JSON (expected an Ed25519 private JWK)');
    }
    const retired = options.retiredKeys ? await parseRetiredKeys(options.retiredKeys, 'PIAOJUE_RETIRED_KEYS') : [];
    return fromPrivateJwk(jwk, retired);
  }
  if (options.retiredKeys)
    throw new SigningKeyError(
      `PIAOJUE_RETIRED_KEYS goes with PIAOJUE_SIGNING_KEY; with the key in the data folder the retired keys are in its ${RETIRED_KEYS_FILE}`,
    );
  const file = join(options.dataDir, KEY_FILE);
  const text = await readIfPresent(file);
  const retiredText = await readIfPresent(join(options.dataDir, RETIRED_KEYS_FILE));
  const retired = retiredText === undefined ? [] : await parseRetiredKeys(retiredText, join(options.dataDir, RETIRED_KEYS_FILE));
  if (text !== undefined) return fromPrivateJwk(JSON.parse(text) as JWK, retired);
  if (retired.length > 0) throw new SigningKeyError(`${join(options.dataDir, RETIRED_KEYS_FILE)} exists but ${file} does not: restore the active key file`);
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

/** Writes a file atomically (a 0600 temporary file renamed over it). */
async function writePrivate(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
}

/** Stages the rotated keys in the data folder: retired-keys.json now, signing-key.json by the returned commit. */
export async function stageKeyFiles(dataDir: string, keys: ServiceKeys): Promise<{ commit(): Promise<void> }> {
  await writePrivate(join(dataDir, RETIRED_KEYS_FILE), retiredKeysText(keys));
  const next = join(dataDir, `${KEY_FILE}.next`);
  await writeFile(next, JSON.stringify(keys.privateJwk), { mode: 0o600 });
  await chmod(next, 0o600);
  return { commit: () => rename(next, join(dataDir, KEY_FILE)) };
}
