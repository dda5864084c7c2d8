import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { ServiceKeys } from '../keys.ts';
import type { Logger } from '../log.ts';

/** Everything a request handler may need; built once at start, passed down explicitly. */
export interface AppContext {
  config: Config;
  db: Database;
  keys: ServiceKeys;
  log: Logger;
  /** The clock, injectable so tests can freeze or move time. */
  now: () => Date;
}
