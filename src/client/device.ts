// A member's device as a client: a WebCrypto key pair, enrolment with a one-time code, and
// login by signing the service's challenge (docs/PROTOCOL.md). The one copy of that flow for
// the CLI, the demo, the benchmarks and the tests. Isomorphic: globalThis.crypto only.
import { deviceMessage, type DeviceAlgorithm, type DevicePublicKey } from '../protocol/device-key.ts';
import { toBase64url } from '../protocol/encoding.ts';
import { ApiClient, ApiError, type Reply } from './http.ts';

/** What signs for a device: the signature over `message`, base64url. */
export interface DeviceSigner {
  sign(message: Uint8Array): Promise<string>;
}

export interface DeviceKey extends DeviceSigner {
  readonly alg: DeviceAlgorithm;
  readonly publicKey: DevicePublicKey;
}

const KEY_PARAMS = { ES256: { name: 'ECDSA', namedCurve: 'P-256' }, Ed25519: { name: 'Ed25519' } } as const;
const SIGN_PARAMS = { ES256: { name: 'ECDSA', hash: 'SHA-256' }, Ed25519: { name: 'Ed25519' } } as const;

/** A device key held by WebCrypto, as the browser holds it (src/web/device.ts). */
export class WebCryptoDevice implements DeviceKey {
  private constructor(
    readonly alg: DeviceAlgorithm,
    readonly publicKey: DevicePublicKey,
    private readonly privateKey: CryptoKey,
  ) {}

  /** A fresh key pair; `extractable` only where the private key must be written out (a key file). */
  static async create(alg: DeviceAlgorithm = 'ES256', options: { extractable?: boolean } = {}): Promise<WebCryptoDevice> {
    const pair = (await crypto.subtle.generateKey(KEY_PARAMS[alg], options.extractable ?? false, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    return new WebCryptoDevice(alg, { alg, key: toBase64url(raw) }, pair.privateKey);
  }

  /** An Ed25519 key from its private JWK (a key file of `piaojue device enrol`), imported non-extractable. */
  static async fromEd25519Jwk(jwk: JsonWebKey & { x: string }): Promise<WebCryptoDevice> {
    const key = await crypto.subtle.importKey('jwk', jwk, KEY_PARAMS.Ed25519, false, ['sign']);
    return new WebCryptoDevice('Ed25519', { alg: 'Ed25519', key: jwk.x }, key);
  }

  /** The private key as a JWK (only for a key created extractable). */
  async exportPrivateJwk(): Promise<JsonWebKey> {
    return crypto.subtle.exportKey('jwk', this.privateKey);
  }

  async sign(message: Uint8Array): Promise<string> {
    return toBase64url(new Uint8Array(await crypto.subtle.sign(SIGN_PARAMS[this.alg], this.privateKey, message as Uint8Array<ArrayBuffer>)));
  }
}

export interface Enrolment {
  personId: string;
  deviceId: string;
  fingerprint: string;
}

/** POST /v1/enrol: registers `publicKey` for the person the one-time code names. */
export function enrolReply(api: ApiClient, code: string, publicKey: DevicePublicKey, label?: string): Promise<Reply<Enrolment>> {
  return api.as(undefined).post('/v1/enrol', { code, device: publicKey, ...(label !== undefined ? { label } : {}) });
}

export async function enrol(api: ApiClient, code: string, publicKey: DevicePublicKey, label?: string): Promise<Enrolment> {
  const reply = await enrolReply(api, code, publicKey, label);
  if (reply.status !== 201) throw new ApiError('POST', '/v1/enrol', reply.status, reply.body);
  return reply.body;
}

/**
 * The login flow: asks for a challenge for `deviceId`, signs it with the device, and sends the
 * signature. Answers the token route's reply — or the challenge route's, when that refused.
 */
export async function loginReply(api: ApiClient, deviceId: string, device: DeviceSigner): Promise<Reply<{ accessToken: string }>> {
  const anon = api.as(undefined);
  const ch = await anon.post<{ challengeId: string; challenge: string }>('/v1/auth/challenge', { deviceId });
  if (ch.status !== 201) return ch as unknown as Reply<{ accessToken: string }>;
  const signature = await device.sign(deviceMessage('piaojue/v1/login', { challenge: ch.body.challenge, challengeId: ch.body.challengeId, deviceId }));
  return anon.post('/v1/auth/token', { challengeId: ch.body.challengeId, signature });
}

/** Signs the service's login challenge with the device; returns a fresh access token. */
export async function login(api: ApiClient, deviceId: string, device: DeviceSigner): Promise<string> {
  const reply = await loginReply(api, deviceId, device);
  if (reply.status !== 200) throw new ApiError('POST', '/v1/auth', reply.status, reply.body);
  return reply.body.accessToken;
}

/** An enrolled, signed-in person: their device and a client carrying their access token. */
export interface Session<D extends DeviceSigner = DeviceKey, A extends ApiClient = ApiClient> {
  personId: string;
  deviceId: string;
  token: string;
  device: D;
  api: A;
}

/** Enrols `device` (default: a fresh ES256 key, as the browser makes) with the code and signs in. */
export async function enrolAndLogin(api: ApiClient, code: string): Promise<Session<WebCryptoDevice>>;
export async function enrolAndLogin<D extends DeviceKey>(api: ApiClient, code: string, device: D): Promise<Session<D>>;
export async function enrolAndLogin(api: ApiClient, code: string, device?: DeviceKey): Promise<Session> {
  const key = device ?? (await WebCryptoDevice.create());
  const enrolled = await enrol(api, code, key.publicKey);
  const token = await login(api, enrolled.deviceId, key);
  return { personId: enrolled.personId, deviceId: enrolled.deviceId, token, device: key, api: api.as(token) };
}
