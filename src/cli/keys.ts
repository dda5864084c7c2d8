// `piaojue keys rotate`: a new active service key. The database records it as active and keeps
// the old one as retired; the instance's key store (the data folder's signing-key.json and
// retired-keys.json, or a file for PIAOJUE_SIGNING_KEY and PIAOJUE_RETIRED_KEYS) gets the new
// key and keeps the old one, which still opens what it sealed and stays in the JWKS.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { bindServiceKey, rotateServiceKey } from '../db/service-key.ts';
import { KEY_FILE, loadServiceKeys, RETIRED_KEYS_FILE, retiredKeysText, rotatedServiceKeys, stageKeyFiles } from '../keys.ts';

export class RotationUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationUsageError';
  }
}

export interface Rotation {
  oldKid: string;
  newKid: string;
  retired: string[];
  /** What the operator must do next, as printed by the command. */
  text: string;
}

/**
 * Rotates the service key of the database `config` names. With PIAOJUE_SIGNING_KEY set the new
 * keys are written to `out` (an environment file, created 0600, never overwritten); otherwise
 * the data folder's key files are replaced. The database and the key store change together: the
 * key files are staged before the database records the rotation and put in place after it.
 */
export async function rotateKeys(config: Config, options: { out?: string | undefined } = {}): Promise<Rotation> {
  if (config.signingKey && !options.out) {
    throw new RotationUsageError(
      'the key comes from PIAOJUE_SIGNING_KEY, so the new keys cannot be stored for you: pass --out FILE, where the new PIAOJUE_SIGNING_KEY and PIAOJUE_RETIRED_KEYS are written (mode 0600)',
    );
  }
  if (!config.signingKey && options.out)
    throw new RotationUsageError(`--out goes with PIAOJUE_SIGNING_KEY; the keys of this service are in ${config.dataDir}, where the rotation writes them`);
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const current = await loadServiceKeys(config);
    // The keys must be the database's before they are rotated (a first use records them).
    await bindServiceKey(db, current);
    const next = await rotatedServiceKeys(current);
    const retired = next.retired.map((k) => k.kid);
    const head = `service key rotated: the active key is now ${next.kid}; ${current.kid} is retired (it still opens what it sealed and stays in /.well-known/jwks.json).`;
    if (options.out) {
      const env = `PIAOJUE_SIGNING_KEY=${JSON.stringify(next.privateJwk)}\nPIAOJUE_RETIRED_KEYS=${retiredKeysText(next)}\n`;
      await writeFile(options.out, env, { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'EEXIST' ? new RotationUsageError(`${options.out} exists; name a new file (it will hold private keys)`) : e;
      });
      try {
        await rotateServiceKey(db, current, next);
      } catch (e) {
        await rm(options.out, { force: true });
        throw e;
      }
      const text = [
        head,
        `The new keys are in ${options.out} (mode 0600): PIAOJUE_SIGNING_KEY (the new active key) and PIAOJUE_RETIRED_KEYS (${retired.join(', ')}).`,
        'Next:',
        '  1. Put both values in the environment of every instance on this database, replacing the old PIAOJUE_SIGNING_KEY.',
        '  2. Restart every instance. An instance still given the old key is refused at start; one still running keeps working until it restarts.',
        `  3. Keep PIAOJUE_RETIRED_KEYS for good (without it, data sealed before this rotation cannot be opened), then delete ${options.out}.`,
      ].join('\n');
      return { oldKid: current.kid, newKid: next.kid, retired, text };
    }
    const staged = await stageKeyFiles(config.dataDir, next);
    await rotateServiceKey(db, current, next);
    await staged.commit();
    const text = [
      head,
      `${join(config.dataDir, KEY_FILE)} now holds the new key, ${join(config.dataDir, RETIRED_KEYS_FILE)} the retired ones (${retired.join(', ')}).`,
      'Next:',
      '  1. Start the service again (piaojue serve).',
      `  2. Back up both files with the database: without ${RETIRED_KEYS_FILE}, data sealed before this rotation cannot be opened.`,
      '  3. Other instances on this database (DATABASE_URL) need the same two files before their next start; an instance given the old key is refused at start.',
    ].join('\n');
    return { oldKid: current.kid, newKid: next.kid, retired, text };
  } finally {
    await db.close();
  }
}
