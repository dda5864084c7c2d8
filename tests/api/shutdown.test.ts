// Stopping the service (what SIGTERM does) lets the requests in progress finish before the
// connections close, and says nothing in the log about crypto workers exiting.
import { describe, expect, it } from 'vitest';
import { Api } from '../helpers/client.ts';
import { startTestService } from '../helpers/service.ts';
import { adminSession, meetingWithVote } from '../helpers/world.ts';
import { requestToken } from '../helpers/voting.ts';
import { holdAt } from '../helpers/hold.ts';
import type { Logger } from '../../src/log.ts';

function recordingLog(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info() {}, error: (message, err) => errors.push(`${message} ${String((err as Error)?.message ?? err ?? '')}`) };
}

describe('shutting down', () => {
  it('finishes a request in progress before closing', async () => {
    const service = await startTestService();
    const admin = await adminSession(service);
    const hold = holdAt(service.ctx, 'request.authenticated');
    const pending = admin.api.post('/v1/committees', { name: '停机时的委员会', kind: 'standing' });
    await hold.reached;
    const closing = service.close();
    hold.release();
    const reply = await pending;
    expect(reply.status).toBe(201);
    await closing;
    // Closed: no new connection is accepted.
    await expect(new Api(service.url).get('/healthz')).rejects.toThrow();
  });

  it('lets a token signing on a crypto worker finish, with nothing in the error log', async () => {
    const log = recordingLog();
    const service = await startTestService({ env: { PIAOJUE_CRYPTO_THREADS: '1' }, log });
    const admin = await adminSession(service);
    const { c, def } = await meetingWithVote(admin, '停机签发委员会', ['王一', '李二', '张三']);
    // Hold the member's request just before it hands the blind signing to the worker.
    const crypto = service.ctx.crypto;
    const run = crypto.run.bind(crypto);
    let arrived!: () => void;
    const atWorker = new Promise<void>((r) => (arrived = r));
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    crypto.run = (async (op: string, ...args: unknown[]) => {
      if (op === 'signBlinded') {
        arrived();
        await gate;
      }
      return (run as (op: string, ...a: unknown[]) => Promise<unknown>)(op, ...args);
    }) as typeof crypto.run;
    const pending = requestToken(c.members[0]!, def.voteId);
    await atWorker;
    const closing = service.close();
    open();
    expect((await pending).reply.status).toBe(200);
    await closing;
    expect(log.errors).toEqual([]);
  });

  it('cuts a request still running at the shutdown deadline, so a stuck request cannot block the stop', async () => {
    const service = await startTestService({ env: { PIAOJUE_SHUTDOWN_TIMEOUT_MS: '100' } });
    const admin = await adminSession(service);
    const hold = holdAt(service.ctx, 'request.authenticated');
    const pending = admin.api.post('/v1/committees', { name: '卡住的委员会', kind: 'standing' }).catch((e: Error) => e);
    await hold.reached;
    await service.close();
    expect(await pending).toBeInstanceOf(Error);
    hold.release();
  });
});
