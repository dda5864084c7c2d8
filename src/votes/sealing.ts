// Secrets at rest, sealed (XChaCha20-Poly1305) under keys derived from the service's signing
// key, which lives outside the database:
// - each vote's BLS secret key, so a database administrator alone cannot mint ballot tokens,
//   while the service can still restart mid-vote;
// - each ballot's content while its vote is open, so a database administrator cannot read
//   running counts before the close (the close opens them and publishes them in the record).
//
// Sealed text is `KID.PAYLOAD`: the id of the service key that sealed it (its RFC 7638
// thumbprint, base64url, so never a dot), then base64url(nonce ‖ ciphertext). After a key
// rotation the retired key still opens what it sealed. Text sealed before key ids existed is
// bare PAYLOAD; it is opened by whichever held key authenticates it (the active one first).
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { Buffer } from 'node:buffer';
import { concatBytes, fromBase64url, toBase64url } from '../protocol/encoding.ts';
import type { RetiredKey, ServiceKeys } from '../keys.ts';

const NONCE = 24;

type Purpose = 'vote-secret-seal' | 'ballot-seal';

type Held = Pick<RetiredKey, 'kid' | 'privateJwk'>;

const derived = new WeakMap<object, Map<Purpose, Uint8Array>>();

/** RFC 5869 HKDF-SHA256 over the Ed25519 private scalar seed, one key per purpose, derived once. */
function sealingKey(key: Held, purpose: Purpose): Uint8Array {
  let byPurpose = derived.get(key.privateJwk);
  if (!byPurpose) derived.set(key.privateJwk, (byPurpose = new Map<Purpose, Uint8Array>()));
  let k = byPurpose.get(purpose);
  if (!k) byPurpose.set(purpose, (k = hkdf(sha256, fromBase64url(key.privateJwk.d!), utf8ToBytes('piaojue/v1'), utf8ToBytes(purpose), 32)));
  return k;
}

/** Sealed text names a key this service does not hold (it never held it, or it was dropped). */
export class UnknownSealingKeyError extends Error {
  constructor(readonly kid: string) {
    super(`sealed data names the service key ${kid}, which this service does not hold (neither active nor retired)`);
    this.name = 'UnknownSealingKeyError';
  }
}

function held(keys: ServiceKeys): Held[] {
  return [keys, ...keys.retired];
}

function seal(keys: ServiceKeys, purpose: Purpose, context: string, plain: Uint8Array): string {
  const nonce = randomBytes(NONCE);
  // The context is authenticated data: a sealed value moved to another row does not open.
  return `${keys.kid}.${toBase64url(concatBytes(nonce, xchacha20poly1305(sealingKey(keys, purpose), nonce, utf8ToBytes(context)).encrypt(plain)))}`;
}

function openWith(key: Held, purpose: Purpose, context: string, bytes: Uint8Array): Uint8Array {
  return xchacha20poly1305(sealingKey(key, purpose), bytes.subarray(0, NONCE), utf8ToBytes(context)).decrypt(bytes.subarray(NONCE));
}

/**
 * The sealed bytes: the platform's base64url decoder (the close opens thousands of ballots; the
 * protocol core's strict one is several times slower). Text that is not what seal() wrote fails
 * the AEAD tag whatever bytes it decodes to.
 */
const decodeSealed = (payload: string): Uint8Array => new Uint8Array(Buffer.from(payload, 'base64url'));

function open(keys: ServiceKeys, purpose: Purpose, context: string, sealed: string): Uint8Array {
  const dot = sealed.indexOf('.');
  if (dot >= 0) {
    const kid = sealed.slice(0, dot);
    const key = held(keys).find((k) => k.kid === kid);
    if (!key) throw new UnknownSealingKeyError(kid);
    return openWith(key, purpose, context, decodeSealed(sealed.slice(dot + 1)));
  }
  // Legacy text without a key id: sealed by the database's only key before rotation existed,
  // which the service still holds (active, or retired since). The AEAD tag tells which one.
  const bytes = fromBase64url(sealed);
  const all = held(keys);
  for (const key of all.slice(0, -1)) {
    try {
      return openWith(key, purpose, context, bytes);
    } catch {
      // not this key: try the next
    }
  }
  return openWith(all.at(-1)!, purpose, context, bytes);
}

export const sealVoteSecret = (keys: ServiceKeys, voteId: string, secret: Uint8Array): string => seal(keys, 'vote-secret-seal', voteId, secret);
export const openVoteSecret = (keys: ServiceKeys, voteId: string, sealed: string): Uint8Array => open(keys, 'vote-secret-seal', voteId, sealed);

const decoder = new TextDecoder();
export const sealBallot = (keys: ServiceKeys, voteId: string, token: string, canonicalJson: string): string =>
  seal(keys, 'ballot-seal', `${voteId}\n${token}`, utf8ToBytes(canonicalJson));
export const openBallot = (keys: ServiceKeys, voteId: string, token: string, sealed: string): string =>
  decoder.decode(open(keys, 'ballot-seal', `${voteId}\n${token}`, sealed));
