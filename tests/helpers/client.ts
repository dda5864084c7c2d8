// The API client for tests: src/client's, with every answer checked against openapi.yaml, and
// a device as the browser holds it (a WebCrypto key pair).
import type { DeviceAlgorithm } from '../../src/protocol/device-key.ts';
import { ApiClient, enrol, loginReply, WebCryptoDevice, type Reply, type Session as ClientSession } from '../../src/client/index.ts';
import { checkResponse } from './openapi.ts';

export type { Reply };

/** src/client's ApiClient; every response an API test sees must match openapi.yaml. */
export class Api extends ApiClient {
  constructor(url: string, token?: string) {
    super(url, { token, observe: (method, path, reply) => checkResponse(method, path, reply.status, reply.headers.get('content-type'), reply.body) });
  }

  override as(token: string | undefined): Api {
    return new Api(this.url, token);
  }

  req<T = any>(method: string, path: string, body?: unknown, init: { headers?: Record<string, string>; raw?: string } = {}): Promise<Reply<T>> {
    return this.request<T>(method, path, body, init);
  }
}

export const Device = WebCryptoDevice;
export type Device = WebCryptoDevice;

export type Session = ClientSession<WebCryptoDevice, Api>;

/** The login flow; answers the token route's reply (or the challenge route's, when that refused). */
export function login(api: Api, deviceId: string, device: Device): Promise<Reply> {
  return loginReply(api, deviceId, device);
}

export async function enrolAndLogin(api: Api, code: string, alg: DeviceAlgorithm = 'ES256'): Promise<Session> {
  const device = await WebCryptoDevice.create(alg);
  const enrolled = await enrol(api, code, device.publicKey);
  const tok = await login(api, enrolled.deviceId, device);
  if (tok.status !== 200) throw new Error(`login failed: ${tok.status} ${JSON.stringify(tok.body)}`);
  return { personId: enrolled.personId, deviceId: enrolled.deviceId, token: tok.body.accessToken, device, api: api.as(tok.body.accessToken) };
}
