// Secrets at rest, sealed (XChaCha20-Poly1305) under keys derived from the service's signing
// key, which lives outside the database:
// - each vote's BLS secret key, so a database administrator alone cannot mint ballot tokens,
//   while the service can still restart mid-vote;
// - each ballot's content while its vote is open, so a database administrator cannot read
//   running counts before the close (the close opens them and publishes them in the record).
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { concatBytes, fromBase64url, toBase64url } from '../protocol/encoding.ts';
import type { ServiceKeys } from '../keys.ts';

const NONCE = 24;

type Purpose = 'vote-secret-seal' | 'ballot-seal';

const derived = new WeakMap<ServiceKeys, Map<Purpose, Uint8Array>>();

/** RFC 5869 HKDF-SHA256 over the Ed25519 private scalar seed, one key per purpose, derived once. */
function sealingKey(keys: ServiceKeys, purpose: Purpose): Uint8Array {
  let byPurpose = derived.get(keys);
  if (!byPurpose) derived.set(keys, (byPurpose = new Map()));
  let key = byPurpose.get(purpose);
  if (!key) byPurpose.set(purpose, (key = hkdf(sha256, fromBase64url(keys.privateJwk.d!), utf8ToBytes('piaojue/v1'), utf8ToBytes(purpose), 32)));
  return key;
}

function seal(keys: ServiceKeys, purpose: Purpose, context: string, plain: Uint8Array): string {
  const nonce = randomBytes(NONCE);
  // The context is authenticated data: a sealed value moved to another row does not open.
  return toBase64url(concatBytes(nonce, xchacha20poly1305(sealingKey(keys, purpose), nonce, utf8ToBytes(context)).encrypt(plain)));
}

function open(keys: ServiceKeys, purpose: Purpose, context: string, sealed: string): Uint8Array {
  const bytes = fromBase64url(sealed);
  return xchacha20poly1305(sealingKey(keys, purpose), bytes.subarray(0, NONCE), utf8ToBytes(context)).decrypt(bytes.subarray(NONCE));
}

export const sealVoteSecret = (keys: ServiceKeys, voteId: string, secret: Uint8Array): string => seal(keys, 'vote-secret-seal', voteId, secret);
export const openVoteSecret = (keys: ServiceKeys, voteId: string, sealed: string): Uint8Array => open(keys, 'vote-secret-seal', voteId, sealed);

const decoder = new TextDecoder();
export const sealBallot = (keys: ServiceKeys, voteId: string, token: string, canonicalJson: string): string =>
  seal(keys, 'ballot-seal', `${voteId}\n${token}`, utf8ToBytes(canonicalJson));
export const openBallot = (keys: ServiceKeys, voteId: string, token: string, sealed: string): string =>
  decoder.decode(open(keys, 'ballot-seal', `${voteId}\n${token}`, sealed));
