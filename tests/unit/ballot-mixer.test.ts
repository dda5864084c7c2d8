// The ballot mixer (issue 12, metadata): checked ballots of one vote are written together, in a
// fresh random order, after a random wait or once enough are gathered; nothing is answered
// before its batch is written.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BallotMixer, shuffle, type MixedBallot } from '../../src/votes/ballot-mixer.ts';

const VOTE = '00000000-0000-4000-8000-000000000001';
const row = (token: string, voteId = VOTE, hash = `h-${token}`): MixedBallot => ({ voteId, token, ballotHash: hash, ballot: 'sealed', receipt: 'r' });

/** A writer that records each batch and inserts every token not seen before. */
function recorder() {
  const batches: { voteId: string; tokens: string[] }[] = [];
  const stored = new Set<string>();
  let fail: Error | undefined;
  const write = async (voteId: string, rows: MixedBallot[]) => {
    batches.push({ voteId, tokens: rows.map((r) => r.token) });
    if (fail) throw fail;
    const inserted = new Set<string>();
    for (const r of rows) {
      if (stored.has(r.token)) continue;
      stored.add(r.token);
      inserted.add(r.token);
    }
    return inserted;
  };
  return { batches, write, failWith: (e: Error) => (fail = e) };
}

afterEach(() => vi.useRealTimers());

describe('the ballot mixer', () => {
  it('writes a full batch at once, in one statement, and answers each ballot after it', async () => {
    const w = recorder();
    const mixer = new BallotMixer(w.write, { maxWaitMs: 600_000, size: 4 });
    const answers = ['a', 'b', 'c'].map((t) => mixer.add(row(t)));
    await Promise.resolve();
    expect(w.batches).toEqual([]);
    expect(mixer.waiting()).toBe(3);
    answers.push(mixer.add(row('d')));
    expect(await Promise.all(answers)).toEqual([true, true, true, true]);
    expect(w.batches).toHaveLength(1);
    expect(w.batches[0]!.tokens.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(mixer.waiting()).toBe(0);
  });

  it('writes a partial batch at a deadline drawn between half the wait and the wait', async () => {
    vi.useFakeTimers();
    const deadlines: number[] = [];
    for (let i = 0; i < 40; i++) {
      const w = recorder();
      const mixer = new BallotMixer(w.write, { maxWaitMs: 1000, size: 64 });
      const answer = mixer.add(row('a'));
      let elapsed = 0;
      while (w.batches.length === 0) {
        await vi.advanceTimersByTimeAsync(10);
        elapsed += 10;
        // A second ballot joins the first one's batch and does not move its deadline.
        if (elapsed === 300) void mixer.add(row('b'));
      }
      expect(await answer).toBe(true);
      expect(w.batches[0]!.tokens.sort()).toEqual(['a', 'b']);
      deadlines.push(elapsed);
    }
    expect(Math.min(...deadlines)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...deadlines)).toBeLessThanOrEqual(1010);
    // Drawn, not fixed.
    expect(new Set(deadlines).size).toBeGreaterThan(5);
  });

  it('with no wait, writes each ballot at once', async () => {
    const w = recorder();
    const mixer = new BallotMixer(w.write, { maxWaitMs: 0, size: 64 });
    expect(await Promise.all([mixer.add(row('a')), mixer.add(row('b'))])).toEqual([true, true]);
    expect(w.batches.map((b) => b.tokens)).toEqual([['a'], ['b']]);
  });

  it('writes each batch in a fresh random order, every order alike', async () => {
    const counts = new Map<string, number>();
    const rounds = 1200;
    for (let i = 0; i < rounds; i++) {
      const w = recorder();
      const mixer = new BallotMixer(w.write, { maxWaitMs: 600_000, size: 3 });
      await Promise.all(['a', 'b', 'c'].map((t) => mixer.add(row(t))));
      const order = w.batches[0]!.tokens.join('');
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    // All six orders, each near 1/6 (200 expected; a bias toward the arrival order would show).
    expect([...counts.keys()].sort()).toEqual(['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(120);
  });

  it('shuffle is Fisher–Yates: a permutation of its input', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const out = shuffle(items);
    expect([...out].sort((x, y) => x - y)).toEqual(items);
    // With a picker that always takes the last place, nothing moves.
    expect(shuffle(items, (n) => n - 1)).toEqual(items);
  });

  it('writes a token once per batch; the copy is answered as not inserted', async () => {
    const w = recorder();
    const mixer = new BallotMixer(w.write, { maxWaitMs: 600_000, size: 3 });
    const answers = await Promise.all([mixer.add(row('a')), mixer.add(row('a', VOTE, 'other')), mixer.add(row('b'))]);
    expect(answers).toEqual([true, false, true]);
    expect(w.batches[0]!.tokens.sort()).toEqual(['a', 'b']);
  });

  it('never mixes two votes in one statement', async () => {
    const w = recorder();
    const other = '00000000-0000-4000-8000-000000000002';
    const mixer = new BallotMixer(w.write, { maxWaitMs: 600_000, size: 2 });
    await Promise.all([mixer.add(row('a')), mixer.add(row('x', other)), mixer.add(row('b')), mixer.add(row('y', other))]);
    expect(w.batches.map((b) => [b.voteId, b.tokens.sort()])).toEqual([
      [VOTE, ['a', 'b']],
      [other, ['x', 'y']],
    ]);
  });

  it('a failed write answers every ballot of its batch with the error, none as recorded', async () => {
    const w = recorder();
    w.failWith(new Error('database gone'));
    const mixer = new BallotMixer(w.write, { maxWaitMs: 600_000, size: 2 });
    const answers = await Promise.allSettled([mixer.add(row('a')), mixer.add(row('b'))]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    expect(mixer.stats).toMatchObject({ batches: 1, ballots: 2 });
  });
});
