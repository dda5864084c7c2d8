// The per-vote tasks both device flows run (src/web/vote-tasks.ts): one at a time per vote, the
// failure kept for the card with the flow's code, cleared by a later success or an expected refusal.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/web/api.ts';
import { VoteTasks } from '../../src/web/vote-tasks.ts';

const refusal = (code: string) => new ApiError(409, code, `${code} / ${code}`, code);

function tasks() {
  const changes: { busy: string[] }[] = [];
  const t: VoteTasks = new VoteTasks(
    (e) => (e instanceof ApiError ? e.code : 'failed'),
    () => changes.push({ busy: [...t.busy] }),
  );
  return { t, changes };
}

describe('VoteTasks', () => {
  it('runs one task per vote at a time: a second task for a busy vote is skipped, another vote runs', async () => {
    const { t, changes } = tasks();
    let release!: () => void;
    const ran: string[] = [];
    const first = t.run('v-1', () => new Promise<void>((r) => (release = r)));
    await t.run('v-1', async () => void ran.push('v-1 again'));
    await t.run('v-2', async () => void ran.push('v-2'));
    expect(ran).toEqual(['v-2']);
    expect([...t.busy]).toEqual(['v-1']);
    release();
    await first;
    expect(t.busy.size).toBe(0);
    // The page hears of each start and each end.
    expect(changes).toEqual([{ busy: ['v-1'] }, { busy: ['v-1', 'v-2'] }, { busy: ['v-1'] }, { busy: [] }]);
  });

  it('keeps a failure under the code the flow gives it, until a task for that vote succeeds', async () => {
    const { t } = tasks();
    const error = refusal('invalid_ballot');
    await t.run('v-1', () => Promise.reject(error));
    await t.run('v-2', () => Promise.reject(new Error('boom')));
    expect(t.failures.get('v-1')).toEqual({ code: 'invalid_ballot', error });
    expect(t.failures.get('v-2')?.code).toBe('failed');
    await t.run('v-1', async () => {});
    expect(t.failures.has('v-1')).toBe(false);
    expect(t.failures.has('v-2')).toBe(true);
  });

  it('an expected refusal (a quiet code) clears the failure instead of showing one', async () => {
    const { t } = tasks();
    await t.run('v-1', () => Promise.reject(refusal('network')));
    await t.run('v-1', () => Promise.reject(refusal('invalid_state')), ['invalid_state']);
    expect(t.failures.has('v-1')).toBe(false);
    // Quiet applies to the service's refusals only, not to another error with that message.
    await t.run('v-1', () => Promise.reject(new Error('invalid_state')), ['invalid_state']);
    expect(t.failures.get('v-1')?.code).toBe('failed');
  });
});
