import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
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
}
