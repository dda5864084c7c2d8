// One database, one service key: the first start records the key's id (its RFC 7638
// thumbprint), and every later start, on any instance, must present the same key.
import { StartupError, type Database } from './database.ts';

export async function bindServiceKey(db: Database, kid: string): Promise<void> {
  await db.query('INSERT INTO service_key (kid) VALUES ($1) ON CONFLICT (only_row) DO NOTHING', [kid]);
  const [row] = await db.query<{ kid: string }>('SELECT kid FROM service_key');
  if (row && row.kid !== kid) {
    throw new StartupError(
      `this database belongs to the service key ${row.kid}, and this instance holds the key ${kid}. ` +
        'Every instance on one database must use the same key: give this one PIAOJUE_SIGNING_KEY (the private JWK the others use) or the same data folder.',
    );
  }
}
