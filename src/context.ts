import type { IncomingMessage } from 'node:http';
import type { Config } from './config.ts';
import type { Database, Queryable } from './db/database.ts';
import type { ServiceKeys } from './keys.ts';
import type { Logger } from './log.ts';
import type { VoteCrypto } from './votes/crypto-tasks.ts';

/** Everything a request handler may need; built once at start, passed down explicitly. */
export interface AppContext {
  config: Config;
  db: Database;
  keys: ServiceKeys;
  log: Logger;
  /** BLS signing and signature checks, on worker threads when configured. */
  crypto: VoteCrypto;
  /** The clock, injectable so tests can freeze or move time. */
  now: () => Date;
  /**
   * Test-only: called at a named point of a request, inside its transaction where there is
   * one, so a test can hold that request in flight while another runs. Unset in service.
   */
  checkpoint?: (point: Checkpoint, tx?: Queryable, req?: IncomingMessage) => Promise<void>;
}

/** The points where a test may hold a request (see `checkpoint`). */
export const CHECKPOINTS = [
  'issueToken.locked',
  'closeVote.locking',
  'openVote.checked',
  'closeMeeting.checked',
  'request.authenticated',
  'recordAttendance.locked',
  'castBallot.recorded',
] as const;
export type Checkpoint = (typeof CHECKPOINTS)[number];

/**
 * The checkpoint of config.testHold (PIAOJUE_TEST_HOLD, test-only): requests reaching its point
 * after the first `after` wait for ever. Undefined — no checkpoint at all — when unset.
 */
export function testHoldCheckpoint(hold: { point: string; after: number } | undefined, write: (line: string) => void): AppContext['checkpoint'] {
  if (!hold) return undefined;
  if (!(CHECKPOINTS as readonly string[]).includes(hold.point))
    throw new Error(`PIAOJUE_TEST_HOLD: no checkpoint ${hold.point} (one of ${CHECKPOINTS.join(', ')})`);
  let passed = 0;
  return async (point) => {
    if (point !== hold.point || passed++ < hold.after) return;
    write(`piaojue: test hold at ${point}\n`);
    await new Promise<never>(() => undefined);
  };
}
