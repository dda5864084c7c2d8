// Changes to who may read a committee's record — its visibility, its observers, its votes'
// share links — kept with who made them and when (issue 12). Not chain entries: they govern
// access to the record, not anything the record proves, and a verifier could not check them.
import type { Queryable } from '../db/database.ts';

export type AccessAction = 'visibility.changed' | 'observer.added' | 'observer.removed' | 'share.created' | 'share.revoked';

export interface AccessEvent {
  at: string;
  by: string;
  action: AccessAction;
  detail: Record<string, unknown>;
}

export async function recordAccessChange(tx: Queryable, committeeId: string, at: Date, by: string, action: AccessAction, detail: Record<string, unknown>): Promise<void> {
  await tx.query('INSERT INTO access_audit (committee_id, at, by_person, action, detail) VALUES ($1, $2, $3, $4, $5)', [committeeId, at, by, action, JSON.stringify(detail)]);
}

export async function accessLog(q: Queryable, committeeId: string): Promise<AccessEvent[]> {
  const rows = await q.query<{ at: Date; by_person: string; action: AccessAction; detail: Record<string, unknown> | string }>(
    'SELECT at, by_person, action, detail FROM access_audit WHERE committee_id = $1 ORDER BY id',
    [committeeId],
  );
  return rows.map((r) => ({ at: new Date(r.at).toISOString(), by: r.by_person, action: r.action, detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail }));
}
