// The bench's own HTTP client and devices (bench code does not import from tests/): a device is
// an ES256 WebCrypto key pair, as the web client makes it (src/web/device.ts).
import { webcrypto } from 'node:crypto';
import { deviceMessage, type DevicePublicKey } from '../src/protocol/device.ts';
import { toBase64url } from '../src/protocol/encoding.ts';

/** Answers 503 with Retry-After, as a client should, this many times before giving up. */
const RETRIES = 20;

/**
 * A JSON call; anything but a 2xx answer throws, with the service's code and detail. A 503
 * (database_unavailable: PostgreSQL's serialization or lock time-outs when members are added
 * concurrently) is sent again after Retry-After, as the service asks.
 */
export async function call<T = any>(url: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (res.status === 503 && attempt < RETRIES) {
      await new Promise((r) => setTimeout(r, Math.min(Number(res.headers.get('retry-after') ?? 1), 2) * 1000 * Math.random()));
      continue;
    }
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json?.code ?? ''} ${json?.detail ?? ''}`);
    return json as T;
  }
}

export class Device {
  private constructor(readonly publicKey: DevicePublicKey, private readonly privateKey: CryptoKey) {}

  static async create(): Promise<Device> {
    const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = new Uint8Array(await webcrypto.subtle.exportKey('raw', pair.publicKey));
    return new Device({ alg: 'ES256', key: toBase64url(raw) }, pair.privateKey);
  }

  async sign(message: Uint8Array): Promise<string> {
    return toBase64url(new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.privateKey, message)));
  }
}

/** An enrolled, logged-in person. */
export interface Session {
  personId: string;
  token: string;
  device: Device;
  call<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function enrolAndLogin(url: string, code: string): Promise<Session> {
  const device = await Device.create();
  const enrolled = await call(url, 'POST', '/v1/enrol', { code, device: device.publicKey });
  const ch = await call(url, 'POST', '/v1/auth/challenge', { deviceId: enrolled.deviceId });
  const signature = await device.sign(deviceMessage('piaojue/v1/login', { challenge: ch.challenge, challengeId: ch.challengeId, deviceId: enrolled.deviceId }));
  const token = (await call(url, 'POST', '/v1/auth/token', { challengeId: ch.challengeId, signature })).accessToken as string;
  return { personId: enrolled.personId, token, device, call: (method, path, body) => call(url, method, path, body, token) };
}

/**
 * A committee with a secretary and `count` members, added in one request (one roster entry,
 * as a large committee is set up), every person enrolled with a device and logged in,
 * `concurrency` at a time (set-up, never timed).
 */
export async function benchCommittee(admin: Session, url: string, count: number, concurrency = 4): Promise<{ id: string; secretary: Session; members: Session[] }> {
  const c = await admin.call('POST', '/v1/committees', { name: '基准委员会', kind: 'standing', visibility: 'public' });
  const sec = await admin.call('POST', `/v1/committees/${c.id}/secretaries`, { name: '基准秘书' });
  const secretary = await enrolAndLogin(url, (await admin.call('POST', `/v1/people/${sec.personId}/enrolment-codes`)).code);
  const added = await admin.call('POST', `/v1/committees/${c.id}/members/batch`, { members: Array.from({ length: count }, (_, i) => ({ name: `委员${i}` })) });
  const ids = (added.members as { memberId: string }[]).map((m) => m.memberId);
  const members: Session[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        members[i] = await enrolAndLogin(url, (await admin.call('POST', `/v1/people/${ids[i]}/enrolment-codes`)).code);
      }
    }),
  );
  return { id: c.id, secretary, members };
}
