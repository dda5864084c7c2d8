// PIAOJUE_TEST_HOLD, the test-only hold for child processes, is inert unless set, and refuses a
// checkpoint that does not exist rather than silently holding nothing.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { testHoldCheckpoint } from '../../src/context.ts';

describe('the test hold (PIAOJUE_TEST_HOLD)', () => {
  it('installs no checkpoint at all when unset', () => {
    expect(loadConfig({}).testHold).toBeUndefined();
    expect(testHoldCheckpoint(undefined, () => undefined)).toBeUndefined();
  });

  it('reads a checkpoint and how many requests pass it first', () => {
    expect(loadConfig({ PIAOJUE_TEST_HOLD: 'castBallot.recorded:15' }).testHold).toEqual({ point: 'castBallot.recorded', after: 15 });
    expect(loadConfig({ PIAOJUE_TEST_HOLD: 'issueToken.locked' }).testHold).toEqual({ point: 'issueToken.locked', after: 0 });
  });

  it('refuses a checkpoint that does not exist', () => {
    expect(() => testHoldCheckpoint({ point: 'nowhere.at', after: 0 }, () => undefined)).toThrow(/no checkpoint nowhere\.at/);
  });

  it('lets the first N requests through and holds the next, saying so', async () => {
    const lines: string[] = [];
    const checkpoint = testHoldCheckpoint({ point: 'castBallot.recorded', after: 1 }, (line) => lines.push(line))!;
    await checkpoint('castBallot.recorded');
    await checkpoint('issueToken.locked');
    let held = true;
    void checkpoint('castBallot.recorded').then(() => (held = false));
    await Promise.resolve();
    expect(held).toBe(true);
    expect(lines).toEqual(['piaojue: test hold at castBallot.recorded\n']);
  });
});
