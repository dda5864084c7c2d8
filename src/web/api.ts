// Talking to the service. Authenticated calls carry a short-lived access token that this device
// obtains by signing a login challenge; it lives in memory only and is simply fetched again
// after a reload or when it expires. Casting a ballot goes through castBallotAnonymously, which
// never sends a credential.
//
// Connection pools. A browser keeps separate connection pools for requests made with and without
// credentials (Chromium's "privacy mode", Firefox's anonymous connections). Signed-in calls
// and the public reads (chain, record, status, keys) use credentials: 'same-origin' — the API
// sets no cookie, so none of its own is sent — and only the anonymous cast uses 'omit'. The
// cast therefore never rides a keep-alive connection that carried this member's Bearer token or
// the reads the page makes between its signed-in polls (issue 12: a public chain read 20–90 ms
// after a signed-in poll, on the connection the cast then reused, linked casts to members),
// and the service answers it with `Connection: close` so it is not reused afterwards either.
// The cast leaves after a random delay (castDelayMs), not at the instant of the page's last
// signed-in request.
import type { Ballot } from '../protocol/ballot.ts';
import { castBodyText } from '../protocol/ballot-v2.ts';
import { deviceMessage } from '../protocol/device-key.ts';
import { createDeviceKey, signWithDevice } from './device.ts';
import { forgetDevice, loadDevice, saveDevice, type StoredDevice } from './store.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly field?: string,
    /** The wait the service asked for (Retry-After on a 429 or 503), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** A Retry-After header's wait in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its day and month ("Tue, 01 Dec 2026 10:00:30 GMT"); a bare number that is not delay-seconds is unreadable.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function call<T>(
  method: string,
  path: string,
  init: { body?: unknown; token?: string; credentials: RequestCredentials; headers?: Record<string, string> },
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: init.body === undefined ? null : JSON.stringify(init.body),
      // The API uses bearer tokens only and sets no cookie. The mode chooses the connection pool
      // (see the top of this file): 'same-origin' for signed-in calls, 'omit' for public ones.
      credentials: init.credentials,
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', '网络不可用 / Network unavailable', (e as Error).message);
  }
  // Not modified (a conditional read of the chain): nothing new, no body.
  if (res.status === 304) return undefined as T;
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  if (!res.ok) {
    const p = (body ?? {}) as Record<string, unknown>;
    throw new ApiError(
      res.status,
      typeof p.code === 'string' ? p.code : 'http_error',
      typeof p.title === 'string' ? p.title : `HTTP ${res.status}`,
      typeof p.detail === 'string' ? p.detail : text.slice(0, 200),
      typeof p.field === 'string' ? p.field : undefined,
      parseRetryAfter(res.headers.get('retry-after')),
    );
  }
  return body as T;
}

/** Signed-in calls (and signing in): a connection pool apart from the anonymous cast's. */
const SIGNED_IN: RequestCredentials = 'same-origin';

/**
 * Public routes: status, tally, record, chain, JWKS, collation. No token, but on the signed-in
 * pool: the credential-less pool is the cast's alone (see the top of this file).
 */
export const publicGet = <T>(path: string, headers?: Record<string, string>) =>
  call<T>('GET', path, { credentials: SIGNED_IN, ...(headers ? { headers } : {}) });

/** The device signed in on this page, if any (Session.resume). */
let signedIn: Session | undefined;

/** Signs this page in with the device kept in this browser, if there is one and it is not yet. */
export async function signInIfEnrolled(): Promise<void> {
  if (signedIn) return;
  await Session.resume().catch(() => null);
}

/**
 * Reads the record (chain, vote status, tally, closed record). A restricted committee's record
 * is read only by its own people (issue 12), so a page with a signed-in device reads it signed
 * in; a page without one reads it with no token, with a share link's capability when it has one
 * (the observer page). Both go on the signed-in pool, apart from the anonymous cast's. Answers
 * undefined when `ifNoneMatch` names the current head (304).
 */

export function recordGet<T>(path: string, init: { ifNoneMatch?: string; share?: string; participant?: string } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.ifNoneMatch !== undefined) headers['if-none-match'] = init.ifNoneMatch;
  if (init.share !== undefined) return publicGet<T>(path, { ...headers, 'piaojue-share': init.share });
  // The access token and the participant credential go only to this service (an address typed
  // on the observer page may be another's).
  const here = path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\');
  // A participant's phone (issue 15) reads its own meeting's votes with its credential.
  if (init.participant !== undefined) return publicGet<T>(path, here ? { ...headers, 'piaojue-participant': init.participant } : headers);
  return signedIn && here ? signedIn.read<T>(path, headers) : publicGet<T>(path, headers);
}

/** Bounds of the random wait before a cast leaves, in ms. */
export const CAST_DELAY_MS = { min: 400, max: 2000 } as const;

/**
 * The wait before a cast is sent: uniform in CAST_DELAY_MS, from the browser's cryptographic
 * randomness (a member's device cannot be told by a predictable pause). `word` is for tests.
 */
export function castDelayMs(word: number = crypto.getRandomValues(new Uint32Array(1))[0]!): number {
  return CAST_DELAY_MS.min + Math.floor((word / 2 ** 32) * (CAST_DELAY_MS.max - CAST_DELAY_MS.min + 1));
}

export interface Me {
  personId: string;
  name: string;
  deviceId: string;
  isAdmin: boolean;
  secretaryOf: string[];
  memberOf: string[];
}

/** The signed-in device. */
export class Session {
  private token: string | undefined;
  private constructor(
    readonly device: StoredDevice,
    public me: Me,
  ) {}

  /** Signs in with the device kept in IndexedDB, or returns null when this browser has none. */
  static async resume(): Promise<Session | null> {
    const device = await loadDevice();
    if (!device) return null;
    const token = await login(device);
    const me = await call<Me>('GET', '/v1/me', { token, credentials: SIGNED_IN });
    const s = new Session(device, me);
    s.token = token;
    signedIn = s;
    return s;
  }

  private async authed<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    this.token ??= await login(this.device);
    try {
      return await call<T>(method, path, { body, token: this.token, credentials: SIGNED_IN, ...(headers ? { headers } : {}) });
    } catch (e) {
      // Expired (15 minutes) or the service restarted: sign the next challenge and try once more.
      if (e instanceof ApiError && e.code === 'token_invalid') {
        this.token = await login(this.device);
        return call<T>(method, path, { body, token: this.token, credentials: SIGNED_IN, ...(headers ? { headers } : {}) });
      }
      throw e;
    }
  }

  get = <T>(path: string) => this.authed<T>('GET', path);
  /** A read of the record with extra headers (If-None-Match): see recordGet. */
  read = <T>(path: string, headers: Record<string, string>) => this.authed<T>('GET', path, undefined, headers);
  post = <T>(path: string, body?: unknown) => this.authed<T>('POST', path, body);
  put = <T>(path: string, body?: unknown) => this.authed<T>('PUT', path, body);
  patch = <T>(path: string, body?: unknown) => this.authed<T>('PATCH', path, body);
  delete = (path: string) => this.authed<void>('DELETE', path);

  sign(message: Uint8Array): Promise<string> {
    return signWithDevice(this.device, message);
  }
}

async function login(device: StoredDevice): Promise<string> {
  const ch = await call<{ challengeId: string; challenge: string }>('POST', '/v1/auth/challenge', {
    body: { deviceId: device.deviceId },
    credentials: SIGNED_IN,
  });
  const signature = await signWithDevice(
    device,
    deviceMessage('piaojue/v1/login', { challenge: ch.challenge, challengeId: ch.challengeId, deviceId: device.deviceId }),
  );
  const tok = await call<{ accessToken: string }>('POST', '/v1/auth/token', { body: { challengeId: ch.challengeId, signature }, credentials: SIGNED_IN });
  return tok.accessToken;
}

/** Makes this browser's key pair and enrols its public half with the one-time code. */
export async function enrolThisDevice(code: string): Promise<StoredDevice> {
  const key = await createDeviceKey();
  const r = await call<{ personId: string; deviceId: string }>('POST', '/v1/enrol', {
    body: { code, device: { alg: key.alg, key: key.publicKey }, label: deviceLabel() },
    credentials: SIGNED_IN,
  });
  const device: StoredDevice = {
    deviceId: r.deviceId,
    personId: r.personId,
    alg: key.alg,
    privateKey: key.privateKey,
    publicKey: key.publicKey,
    enrolledAt: new Date().toISOString(),
  };
  await saveDevice(device);
  return device;
}

/**
 * A neutral name for the device list. Deliberately not the User-Agent (every request, the
 * anonymous cast included, carries that string: a stored copy could be matched against it).
 */
export function deviceLabel(now = new Date()): string {
  const d = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `网页设备 ${d}`;
}

export { forgetDevice };

/**
 * Casts a ballot without any credential: no Authorization header, no cookie (credentials:
 * 'omit'), no referrer, and on a connection from the credential-less pool, which carries
 * nothing else this page sends, so never one that carried this member's token or a read made
 * between its signed-in calls (see the top of this file). It leaves after a random wait of
 * castDelayMs(), so its moment is not fixed by the page's last signed-in request.
 *
 * What this does NOT hide: the request still comes from this device's IP address, with its
 * User-Agent and other browser headers, at the moment the member taps 投出. Whoever sees the
 * network (the service, a TLS-terminating proxy, the venue's Wi-Fi) can link a cast to a device
 * by address and timing, and to the member if it also watched that device sign in. The ballot
 * itself is unlinkable to the token request by construction (blind signature); anonymity on
 * the wire is only as good as the network the room uses. The random wait blurs, but does not
 * hide, the link between the tap and the cast: a member who casts while no one else does is
 * still alone on the wire in those seconds.
 *
 * Returns the receipt; 200 means the identical ballot was already recorded (a retry after a
 * reload), which is the same receipt.
 */
export async function castBallotAnonymously(ballot: Ballot): Promise<{ ballotHash: string; receipt: string }> {
  await new Promise((resolve) => setTimeout(resolve, castDelayMs()));
  let res: Response;
  try {
    res = await fetch('/v1/ballots', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Padded (version 2): every ballot of a vote has one length on the wire, whatever its marks.
      body: castBodyText(ballot),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
      mode: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, 'network', '网络不可用 / Network unavailable', (e as Error).message);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    throw new ApiError(res.status, text(body.code) ?? 'http_error', text(body.title) ?? `HTTP ${res.status}`, text(body.detail) ?? '');
  }
  return body as unknown as { ballotHash: string; receipt: string };
}

/** A problem body's field, when it is the string it should be. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// ---- a participant holding a slip (issue 15) ----
// The code is spent with no credential; the participant credential it gives goes with the
// phone's calls on the signed-in pool, never with the cast (castBallotAnonymously).

/** POST /v1/participant/redeem: spends the slip's code, with the phone's redemption nonce (a lost answer is asked again with it). */
export const redeemSlipCode = (code: string, nonce: string) =>
  call<{ meetingId: string; credential: string; expiresAt: string }>('POST', '/v1/participant/redeem', { body: { code, nonce }, credentials: SIGNED_IN });

/** Calls carrying the participant credential. */
export const participantApi = {
  get: <T>(path: string, credential: string) => call<T>('GET', path, { token: credential, credentials: SIGNED_IN }),
  post: <T>(path: string, body: unknown, credential: string) => call<T>('POST', path, { body, token: credential, credentials: SIGNED_IN }),
};
