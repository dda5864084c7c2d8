// This browser as an enrolled device: a WebCrypto key pair made here, the private half
// non-extractable (script can use it to sign but can never read it out), kept in IndexedDB.
import type { DeviceAlgorithm } from '../protocol/device-key.ts';
import { toBase64url } from '../protocol/encoding.ts';
import type { StoredDevice } from './store.ts';

/** ECDSA P-256 everywhere WebCrypto exists; Ed25519 support in browsers is still uneven. */
const ALG: DeviceAlgorithm = 'ES256';

export function cryptoAvailable(): boolean {
  // WebCrypto's subtle API exists only in a secure context (https://, or http://localhost).
  return typeof crypto !== 'undefined' && typeof crypto.subtle !== 'undefined' && typeof indexedDB !== 'undefined';
}

export async function createDeviceKey(): Promise<{ alg: DeviceAlgorithm; privateKey: CryptoKey; publicKey: string }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { alg: ALG, privateKey: pair.privateKey, publicKey: toBase64url(raw) };
}

/** ES256: WebCrypto's raw r‖s, which is what the service verifies; Ed25519 per RFC 8032. */
export async function signWithDevice(device: Pick<StoredDevice, 'alg' | 'privateKey'>, message: Uint8Array): Promise<string> {
  const params = device.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
  const sig = await crypto.subtle.sign(params, device.privateKey, message as Uint8Array<ArrayBuffer>);
  return toBase64url(new Uint8Array(sig));
}
