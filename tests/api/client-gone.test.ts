// A request whose client has gone while it waited is dropped, not run: after a stall, the
// service does not work through a backlog of answers nobody will read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import type { Session } from '../helpers/client.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { adminSession } from '../helpers/world.ts';
import { holdAt } from '../helpers/hold.ts';

let service: TestService;
let admin: Session;

beforeAll(async () => {
  service = await startTestService();
  admin = await adminSession(service);
});
afterAll(async () => service?.close());

const committeesNamed = async (name: string) => (await service.ctx.db.query('SELECT 1 FROM committees WHERE name = $1', [name])).length;

describe('work for a client that has gone', () => {
  it('is not done when the client disconnects while the request waits', async () => {
    const hold = holdAt(service.ctx, 'request.authenticated');
    const body = JSON.stringify({ name: '无人等待委员会', kind: 'standing' });
    const sent = httpRequest(`${service.url}/v1/committees`, {
      method: 'POST',
      agent: false,
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    sent.on('error', () => undefined);
    sent.end(body);
    const { request } = await hold.reached;
    // The client gives up; the service sees its connection close, then the request goes on.
    sent.destroy();
    await new Promise<void>((resolve) => (request!.socket.destroyed ? resolve() : request!.socket.once('close', () => resolve())));
    hold.release();
    // A request sent afterwards is answered; the abandoned one, which was ahead of it, was dropped.
    expect((await admin.api.post('/v1/committees', { name: '后来的委员会', kind: 'standing' })).status).toBe(201);
    expect(await committeesNamed('后来的委员会')).toBe(1);
    expect(await committeesNamed('无人等待委员会')).toBe(0);
  });
});
