// One database, one set of service keys: the first start records the key's id (its RFC 7638
// thumbprint) as the active key, and every later start, on any instance, must present the same
// active key and hold exactly the retired keys the database lists. Only `piaojue keys rotate`
// (rotateServiceKey) changes the active key; the one it replaces is kept as retired.
import type { ServiceKeys } from '../keys.ts';
import { StartupError, type Database, type Queryable } from './database.ts';

interface Row {
  kid: string;
  active: boolean;
}

const SAME_KEYS =
  'Every instance on one database must use the same keys: give this one PIAOJUE_SIGNING_KEY (the private JWK the others use) ' +
  'and PIAOJUE_RETIRED_KEYS, or the same data folder.';

/** Locks the table (first starts and rotations run one at a time), records a first key, and returns the rows. */
async function lockedRows(tx: Queryable, keys: ServiceKeys): Promise<Row[]> {
  await tx.query('LOCK TABLE service_keys IN SHARE ROW EXCLUSIVE MODE');
  let rows = await tx.query<Row>('SELECT kid, active FROM service_keys ORDER BY added_at, kid');
  if (rows.length === 0) {
    // A first start: the instance's keys become the database's (its retired ones too, say
    // when a data folder's keys are brought to a new database).
    await tx.query('INSERT INTO service_keys (kid, active) VALUES ($1, TRUE)', [keys.kid]);
    for (const r of keys.retired) await tx.query('INSERT INTO service_keys (kid, active, retired_at) VALUES ($1, FALSE, now())', [r.kid]);
    rows = await tx.query<Row>('SELECT kid, active FROM service_keys ORDER BY added_at, kid');
  }
  return rows;
}

/** Throws StartupError unless these keys are exactly the database's: the same active key and the same retired ones. */
function check(rows: Row[], keys: ServiceKeys): void {
  const active = rows.find((r) => r.active);
  if (!active) throw new StartupError('this database lists service keys but none is active (table service_keys): restore its active key row');
  if (active.kid !== keys.kid) {
    const retired = rows.some((r) => !r.active && r.kid === keys.kid);
    throw new StartupError(
      retired
        ? `this instance's active key ${keys.kid} was retired by \`piaojue keys rotate\`; this database's active key is now ${active.kid}. ` +
            'Give this instance the rotated keys: the data folder the rotation wrote, or the PIAOJUE_SIGNING_KEY and PIAOJUE_RETIRED_KEYS it printed.'
        : `this database belongs to the service key ${active.kid}, and this instance holds the key ${keys.kid}. ${SAME_KEYS}`,
    );
  }
  const held = new Set(keys.retired.map((k) => k.kid));
  const known = new Set(rows.filter((r) => !r.active).map((r) => r.kid));
  const missing = [...known].filter((kid) => !held.has(kid));
  if (missing.length > 0) {
    throw new StartupError(
      `this instance lacks the retired service key(s) ${missing.join(', ')} of this database: without them it could not open what they sealed, ` +
        `nor publish them for the receipts and tallies they signed. ${SAME_KEYS}`,
    );
  }
  const unknown = [...held].filter((kid) => !known.has(kid));
  if (unknown.length > 0) {
    throw new StartupError(`this instance holds the retired service key(s) ${unknown.join(', ')}, which this database does not know. ${SAME_KEYS}`);
  }
}

export async function bindServiceKey(db: Database, keys: ServiceKeys): Promise<void> {
  const rows = await db.transaction((tx) => lockedRows(tx, keys));
  check(rows, keys);
}

/**
 * Records a rotation: `current` must be the database's keys (as at start), `next` the rotated
 * keys (rotatedServiceKeys(current)). The active key becomes retired and next's key active.
 */
export async function rotateServiceKey(db: Database, current: ServiceKeys, next: ServiceKeys): Promise<void> {
  if (next.retired[0]?.kid !== current.kid) throw new Error('next must retire the current active key');
  await db.transaction(async (tx) => {
    check(await lockedRows(tx, current), current);
    await tx.query('UPDATE service_keys SET active = FALSE, retired_at = now() WHERE active');
    await tx.query('INSERT INTO service_keys (kid, active) VALUES ($1, TRUE)', [next.kid]);
  });
}

/** The database's key ids: the active one and the retired ones, oldest first. */
export async function serviceKeyIds(db: Queryable): Promise<{ active: string | undefined; retired: string[] }> {
  const rows = await db.query<Row>('SELECT kid, active FROM service_keys ORDER BY added_at, kid');
  return { active: rows.find((r) => r.active)?.kid, retired: rows.filter((r) => !r.active).map((r) => r.kid) };
}
