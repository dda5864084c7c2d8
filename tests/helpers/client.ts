// An HTTP client and a device (a WebCrypto key pair, as the browser holds it) for API tests.
import { webcrypto } from 'node:crypto';
import { deviceMessage, type DeviceAlgorithm, type DevicePublicKey } from '../../src/protocol/device.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { checkResponse } from './openapi.ts';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class Api {
  constructor(readonly url: string, readonly token?: string) {}

  as(token: string | undefined): Api {
    return new Api(this.url, token);
  }

  async req<T = any>(method: string, path: string, body?: unknown, init: { headers?: Record<string, string>; raw?: string } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined = init.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.url + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    // Every response an API test sees must match openapi.yaml.
    checkResponse(method, new URL(this.url + path).pathname, res.status, res.headers.get('content-type'), parsed);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = any>(path: string) => this.req<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.req<T>('POST', path, body);
  put = <T = any>(path: string, body?: unknown) => this.req<T>('PUT', path, body);
  patch = <T = any>(path: string, body?: unknown) => this.req<T>('PATCH', path, body);
  delete = <T = any>(path: string) => this.req<T>('DELETE', path);
}

export class Device {
  private constructor(readonly alg: DeviceAlgorithm, readonly publicKey: DevicePublicKey, private readonly privateKey: CryptoKey) {}

  static async create(alg: DeviceAlgorithm = 'ES256'): Promise<Device> {
    const params = alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
    const pair = (await webcrypto.subtle.generateKey(params, false, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = new Uint8Array(await webcrypto.subtle.exportKey('raw', pair.publicKey));
    return new Device(alg, { alg, key: toBase64url(raw) }, pair.privateKey);
  }

  async sign(message: Uint8Array): Promise<string> {
    const params = this.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
    return toBase64url(new Uint8Array(await webcrypto.subtle.sign(params, this.privateKey, message)));
  }
}

export interface Session {
  personId: string;
  deviceId: string;
  token: string;
  device: Device;
  api: Api;
}

export async function login(api: Api, deviceId: string, device: Device): Promise<Reply> {
  const ch = await api.as(undefined).post('/v1/auth/challenge', { deviceId });
  if (ch.status !== 201) return ch;
  const signature = await device.sign(deviceMessage('piaojue/v1/login', { challenge: ch.body.challenge, challengeId: ch.body.challengeId, deviceId }));
  return api.as(undefined).post('/v1/auth/token', { challengeId: ch.body.challengeId, signature });
}

export async function enrolAndLogin(api: Api, code: string, alg: DeviceAlgorithm = 'ES256'): Promise<Session> {
  const device = await Device.create(alg);
  const enrolled = await api.as(undefined).post('/v1/enrol', { code, device: device.publicKey });
  if (enrolled.status !== 201) throw new Error(`enrol failed: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
  const tok = await login(api, enrolled.body.deviceId, device);
  if (tok.status !== 200) throw new Error(`login failed: ${tok.status} ${JSON.stringify(tok.body)}`);
  return { personId: enrolled.body.personId, deviceId: enrolled.body.deviceId, token: tok.body.accessToken, device, api: api.as(tok.body.accessToken) };
}
