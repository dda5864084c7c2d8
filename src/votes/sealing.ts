// Per-vote BLS secret keys at rest. The database holds them sealed (XChaCha20-Poly1305) under a
// key derived from the service's signing key, which lives outside the database; so a database
// administrator alone cannot mint ballot tokens, and the service can still restart mid-vote.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { concatBytes, fromBase64url, toBase64url } from '../protocol/encoding.ts';
import type { ServiceKeys } from '../keys.ts';

const NONCE = 24;

function sealingKey(keys: ServiceKeys): Uint8Array {
  // RFC 5869 HKDF-SHA256 over the Ed25519 private scalar seed.
  return hkdf(sha256, fromBase64url(keys.privateJwk.d!), utf8ToBytes('piaojue/v1'), utf8ToBytes('vote-secret-seal'), 32);
}

export function sealVoteSecret(keys: ServiceKeys, voteId: string, secret: Uint8Array): string {
  const nonce = randomBytes(NONCE);
  const box = xchacha20poly1305(sealingKey(keys), nonce, utf8ToBytes(voteId)).encrypt(secret);
  return toBase64url(concatBytes(nonce, box));
}

export function openVoteSecret(keys: ServiceKeys, voteId: string, sealed: string): Uint8Array {
  const bytes = fromBase64url(sealed);
  return xchacha20poly1305(sealingKey(keys), bytes.subarray(0, NONCE), utf8ToBytes(voteId)).decrypt(bytes.subarray(NONCE));
}
