import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { ServiceKeys } from '../keys.ts';
import type { Logger } from '../log.ts';
import type { VoteCrypto } from '../votes/crypto-tasks.ts';

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
export type Checkpoint = 'issueToken.locked' | 'closeVote.locking' | 'openVote.checked' | 'closeMeeting.checked' | 'request.authenticated';
