// Admission control per client: a client (an address) that sends more than its share to the
// public routes or the cast route is answered 429 rate_limited with Retry-After while other
// addresses go on being served; a whole room behind one address casts without a refusal; and
// connections from one socket address beyond PIAOJUE_MAX_CONNECTIONS_PER_CLIENT are closed at
// accept. Addresses are simulated with X-Forwarded-For from a trusted loopback proxy, or by
// binding the client socket to another loopback address (127.0.0.2). Nothing is timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { Api } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession, createCommittee, meetingWithVote, NAMES } from '../helpers/world.ts';
import { castBallot, obtainToken } from '../helpers/voting.ts';
import type { Ballot } from '../../src/protocol/ballot.ts';
import { buildBallot } from '../../src/protocol/member-ballot.ts';
import { allApprove, garbageBallot } from '../../testkit/garbage-ballots.ts';

const from = (api: Api, address: string, path: string) => api.req('GET', path, undefined, { headers: { 'x-forwarded-for': address } });

function expectRateLimited(r: { status: number; body: any; headers: Headers }, windowSeconds: number): void {
  expect(r.status).toBe(429);
  expect(r.body.code).toBe('rate_limited');
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const retryAfter = r.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds);
}

describe('public-route rate limit behind a trusted proxy', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { PIAOJUE_TRUST_PROXY: 'loopback', PIAOJUE_RATE_LIMIT_PUBLIC: '5' } });
  });
  afterAll(async () => service?.close());

  it('answers 429 rate_limited with Retry-After to the address past its share, and goes on serving another address', async () => {
    const api = new Api(service.url);
    // Five public reads of several routes from one address (as the proxy reports it) are served.
    for (const path of ['/v1/site', '/.well-known/jwks.json', '/v1/site', '/.well-known/jwks.json', '/v1/site']) {
      expect((await from(api, '203.0.113.7', path)).status).toBe(200);
    }
    // The sixth is refused, on any public route.
    expectRateLimited(await from(api, '203.0.113.7', '/v1/site'), 60);
    expectRateLimited(await from(api, '203.0.113.7', '/v1/votes/00000000-0000-4000-8000-000000000000/status'), 60);
    // Another client behind the same proxy is unaffected.
    expect((await from(api, '203.0.113.8', '/v1/site')).status).toBe(200);
    // Routes outside the limit (health, signed-in routes) still answer the limited address.
    expect((await from(api, '203.0.113.7', '/healthz')).status).toBe(200);
    expect((await from(api, '203.0.113.7', '/v1/me')).status).toBe(401);
  });

  it('takes the client address from the last untrusted hop, so a client cannot choose it by prepending its own X-Forwarded-For', async () => {
    const api = new Api(service.url);
    for (let i = 0; i < 5; i++) expect((await from(api, `198.51.100.${i}, 203.0.113.9`, '/v1/site')).status).toBe(200);
    expectRateLimited(await from(api, '198.51.100.99, 203.0.113.9', '/v1/site'), 60);
  });
});

describe('public-route rate limit without a trusted proxy', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { PIAOJUE_RATE_LIMIT_PUBLIC: '3' } });
  });
  afterAll(async () => service?.close());

  it('ignores X-Forwarded-For and counts by the socket address', async () => {
    const api = new Api(service.url);
    for (let i = 0; i < 3; i++) expect((await from(api, `203.0.113.${i}`, '/v1/site')).status).toBe(200);
    expectRateLimited(await from(api, '203.0.113.50', '/v1/site'), 60);
  });
});

describe('public-route rate limit switched off', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { PIAOJUE_RATE_LIMIT_PUBLIC: '0', PIAOJUE_RATE_LIMIT_CAST: '0' } });
  });
  afterAll(async () => service?.close());

  it('serves every request when PIAOJUE_RATE_LIMIT_PUBLIC is 0', async () => {
    const api = new Api(service.url);
    for (let i = 0; i < 20; i++) expect((await api.get('/v1/site')).status).toBe(200);
  });
});

describe('refused slip redemptions behind a trusted proxy', () => {
  let service: TestService;
  let codes: string[];
  beforeAll(async () => {
    service = await startTestService({ env: { PIAOJUE_TRUST_PROXY: 'loopback', PIAOJUE_RATE_LIMIT_SLIP_FAILURES: '3' } });
    const c = await createCommittee(await adminSession(service), '县委组织部', ['王一', '李二', '张三']);
    const meetingId = (await c.secretary.api.post(`/v1/committees/${c.id}/meetings`, { title: '全县领导干部会议', kind: 'slips', entitled: 10 })).body.id;
    expect((await c.secretary.api.post(`/v1/meetings/${meetingId}/open`)).status).toBe(200);
    codes = (await c.secretary.api.post(`/v1/meetings/${meetingId}/slips`, { count: 6 })).body.slips.map((s: { code: string }) => s.code);
  });
  afterAll(async () => service?.close());

  const redeem = (address: string, code: string) =>
    new Api(service.url).req('POST', '/v1/participant/redeem', { code }, { headers: { 'x-forwarded-for': address } });
  const madeUp = (i: number) => `pjp_${String(i).padStart(22, 'A')}`;

  it('counts only refused codes: a hall redeeming through one address is never limited, an address guessing codes is, without spending the slip it sends next', async () => {
    // Redeemed slips are not counted: five from one address, more than the limit of three.
    for (const code of codes.slice(0, 5)) expect((await redeem('203.0.113.7', code)).status).toBe(200);
    // Three refusals of that address: made-up codes and a spent one.
    expect((await redeem('203.0.113.7', madeUp(1))).body.code).toBe('slip_invalid');
    expect((await redeem('203.0.113.7', madeUp(2))).body.code).toBe('slip_invalid');
    expect((await redeem('203.0.113.7', codes[0]!)).body.code).toBe('slip_spent');
    // The fourth request from it is refused unread, even with a good code, which stays unspent.
    expectRateLimited(await redeem('203.0.113.7', codes[5]!), 60);
    expectRateLimited(await redeem('203.0.113.7', madeUp(3)), 60);
    // Another address is told what is wrong with its code, and redeems the unspent slip.
    expect((await redeem('203.0.113.8', madeUp(4))).body.code).toBe('slip_invalid');
    expect((await redeem('203.0.113.8', codes[5]!)).status).toBe(200);
  });
});

describe('a room behind one address', () => {
  let service: TestService;
  const ROOM = 12;
  beforeAll(async () => {
    // The cast limit is exactly the room, and the vote's check queue holds two ballots, so most
    // members are first told 503 cast_queue_full and send again: those resends must not count.
    service = await startTestService({ env: { PIAOJUE_RATE_LIMIT_CAST: String(ROOM), PIAOJUE_CAST_QUEUE_PER_VOTE: '2', PIAOJUE_CAST_QUEUE_TOTAL: '2' } });
  });
  afterAll(async () => service?.close());

  /** Casts as the member page's outbox does: the same body again after Retry-After on 503 or 429. */
  async function castUntilAnswered(ballot: Ballot): Promise<number> {
    for (;;) {
      const r = await castBallot(service.url, ballot);
      if (r.status !== 503 && r.status !== 429) return r.status;
      await new Promise((res) => setTimeout(res, Number(r.headers.get('retry-after')) * 1000));
    }
  }

  it('accepts every member’s ballot, all sent at once from one address through a busy check queue, and limits the next one', async () => {
    const admin = await adminSession(service);
    const { c, def } = await meetingWithVote(admin, '同址委员会', NAMES.slice(0, ROOM));
    const tokens = [];
    for (const m of c.members) tokens.push(await obtainToken(m, def));
    await c.secretary.api.post(`/v1/votes/${def.voteId}/open`);

    // First answers only, to see no member is ever refused 429 on the way.
    const first = await Promise.all(tokens.map((t) => castBallot(service.url, buildBallot(t, allApprove(def)))));
    expect(first.map((r) => r.status).filter((s) => s !== 201 && s !== 503)).toEqual([]);
    const statuses = await Promise.all(
      tokens.map((t, i) => (first[i]!.status === 201 ? Promise.resolve(201) : castUntilAnswered(buildBallot(t, allApprove(def))))),
    );
    expect(statuses).toEqual(tokens.map(() => 201));
    const status = await new Api(service.url).get(`/v1/votes/${def.voteId}/status`);
    expect(status.body.turnout).toEqual({ issued: ROOM, returned: ROOM });

    // The address has had its share of counted casts: one more is refused before it is read.
    const extra = await castBallot(service.url, garbageBallot(def));
    expectRateLimited(extra, 60);
    expect(extra.headers.get('connection')).toBe('close');
  });
});

/** A raw keep-alive connection from `localAddress`; resolves with the status line of /healthz, or undefined if closed unanswered. */
function openAndAsk(url: string, localAddress: string): Promise<{ socket: Socket; status: string | undefined }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ port: Number(port), host: hostname, localAddress });
    let data = '';
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (data.includes('\r\n\r\n')) resolve({ socket, status: data.split('\r\n')[0] });
    });
    socket.once('close', () => resolve({ socket, status: undefined }));
    socket.once('connect', () => socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: keep-alive\r\n\r\n`));
  });
}

describe('connections per client', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { PIAOJUE_MAX_CONNECTIONS_PER_CLIENT: '2' } });
  });
  afterAll(async () => service?.close());

  it('closes a connection beyond PIAOJUE_MAX_CONNECTIONS_PER_CLIENT from one address unanswered, serves another address, and takes one again once freed', async () => {
    const held = [await openAndAsk(service.url, '127.0.0.1'), await openAndAsk(service.url, '127.0.0.1')];
    expect(held.map((h) => h.status)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect((await openAndAsk(service.url, '127.0.0.1')).status).toBeUndefined();
    const other = await openAndAsk(service.url, '127.0.0.2');
    expect(other.status).toBe('HTTP/1.1 200 OK');
    other.socket.destroy();
    // Once one is closed, the address may connect again (after the service has seen the close,
    // which it learns asynchronously: try until it has, the test timeout guarding a hang).
    held.pop()!.socket.end();
    let again;
    while ((again = await openAndAsk(service.url, '127.0.0.1')).status === undefined);
    expect(again.status).toBe('HTTP/1.1 200 OK');
    again.socket.destroy();
    for (const h of held) h.socket.destroy();
  });
});

describe('connections per client behind a proxy trusted by address', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { PIAOJUE_MAX_CONNECTIONS_PER_CLIENT: '2', PIAOJUE_TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(async () => service?.close());

  it('does not cap the proxy’s own connections, and still caps another address', async () => {
    const proxy = [];
    for (let i = 0; i < 4; i++) proxy.push(await openAndAsk(service.url, '127.0.0.1'));
    expect(proxy.map((h) => h.status)).toEqual(proxy.map(() => 'HTTP/1.1 200 OK'));
    const direct = [await openAndAsk(service.url, '127.0.0.2'), await openAndAsk(service.url, '127.0.0.2'), await openAndAsk(service.url, '127.0.0.2')];
    expect(direct.map((h) => h.status)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', undefined]);
    for (const h of [...proxy, ...direct]) h.socket.destroy();
  });
});
