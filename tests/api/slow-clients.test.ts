// Slow and excess clients are bounded by the HTTP server: a request whose headers or body stall
// past their deadline is answered 408 and its connection closed, and connections beyond the
// configured cap are closed as soon as they are accepted, while the service goes on answering
// everyone else. The deadlines here are short so the tests finish quickly; nothing is timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { startTestService, type TestService } from '../helpers/service.ts';

/** A raw connection that records everything the service sends and whether it has closed. */
interface Conn {
  socket: Socket;
  received(): string;
  closed: Promise<string>;
  /** Resolves once the received text contains `text` at or after `from`. */
  waitFor(text: string, from?: number): Promise<string>;
}

function open(url: string): Promise<Conn> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    const waiters: Array<{ text: string; from: number; done: (s: string) => void }> = [];
    const has = (text: string, from: number) => data.indexOf(text, from) >= 0;
    const closed = new Promise<string>((done) => socket.once('close', () => done(data)));
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      for (const w of waiters.splice(0)) {
        if (has(w.text, w.from)) w.done(data);
        else waiters.push(w);
      }
    });
    // A refused connection may be reset rather than ended; either way `closed` resolves.
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => data,
        closed,
        waitFor: (text, from = 0) => (has(text, from) ? Promise.resolve(data) : new Promise((done) => waiters.push({ text, from, done }))),
      }),
    );
    socket.once('error', reject);
  });
}

const host = (url: string) => new URL(url).host;
const health = (url: string, connection: 'keep-alive' | 'close') => `GET /healthz HTTP/1.1\r\nHost: ${host(url)}\r\nConnection: ${connection}\r\n\r\n`;

/** One request on a fresh connection; the status line, or undefined when the connection closed unanswered. */
async function statusOnFreshConnection(url: string): Promise<string | undefined> {
  const c = await open(url);
  c.socket.write(health(url, 'close'));
  const all = await c.closed;
  return all === '' ? undefined : all.split('\r\n')[0];
}

describe('slow clients', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { PIAOJUE_HEADERS_TIMEOUT_MS: '200', PIAOJUE_REQUEST_TIMEOUT_MS: '400' } });
  });
  afterAll(async () => service?.close());

  it('answers 408 and closes the connection of a client that sends its headers and then stalls its body', async () => {
    const stalled = await open(service.url);
    stalled.socket.write(
      `POST /v1/auth/challenge HTTP/1.1\r\nHost: ${host(service.url)}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"deviceId":"`,
    );
    const all = await stalled.closed;
    expect(all.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    // The service goes on answering other clients.
    expect(await statusOnFreshConnection(service.url)).toBe('HTTP/1.1 200 OK');
  });

  it('answers 408 and closes the connection of a client that stalls in the middle of its headers', async () => {
    const stalled = await open(service.url);
    stalled.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host(service.url)}\r\nX-Slow: `);
    const all = await stalled.closed;
    expect(all.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(await statusOnFreshConnection(service.url)).toBe('HTTP/1.1 200 OK');
  });

  it('still answers a request whose body arrives in time', async () => {
    const c = await open(service.url);
    const body = JSON.stringify({ deviceId: 'not-a-device' });
    c.socket.write(
      `POST /v1/auth/challenge HTTP/1.1\r\nHost: ${host(service.url)}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    c.socket.write(body);
    const all = await c.closed;
    expect(all).toMatch(/^HTTP\/1\.1 (?!408)\d{3} /);
  });
});

describe('excess connections', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ env: { PIAOJUE_MAX_CONNECTIONS: '3' } });
  });
  afterAll(async () => service?.close());

  it('closes connections beyond PIAOJUE_MAX_CONNECTIONS unanswered, answers on the open ones, and takes a new one once one is freed', async () => {
    // Three keep-alive connections, each known to be accepted because it has been answered.
    const held: Conn[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await open(service.url);
      c.socket.write(health(service.url, 'keep-alive'));
      expect((await c.waitFor('\r\n\r\n')).split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      held.push(c);
    }
    // A fourth is closed without an answer.
    expect(await statusOnFreshConnection(service.url)).toBeUndefined();
    // The held connections are still answered.
    const first = held[0]!;
    const before = first.received().length;
    first.socket.write(health(service.url, 'keep-alive'));
    await first.waitFor('HTTP/1.1 200 OK', before);
    // Once one is closed, a new connection is taken (after the service has seen the close,
    // which it learns asynchronously: try until it has, the test timeout guarding a hang).
    held.pop()!.socket.end();
    let status: string | undefined;
    while ((status = await statusOnFreshConnection(service.url)) === undefined);
    expect(status).toBe('HTTP/1.1 200 OK');
    for (const c of held) c.socket.destroy();
  });
});
