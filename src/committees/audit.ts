// Changes to who may read a committee's record — its visibility, its observers, its votes'
// share links — kept with who made them and when (issue 12). Not chain entries: they govern
// access to the record, not anything the record proves, and a verifier could not check them.
import type { Queryable } from '../db/database.ts';
import { accessChangesOf, insertAccessChange } from './queries.ts';

export type AccessAction = 'visibility.changed' | 'observer.added' | 'observer.removed' | 'share.created' | 'share.revoked';

export interface AccessEvent {
  at: string;
  by: string;
  action: AccessAction;
  detail: Record<string, unknown>;
}

export async function recordAccessChange(
  tx: Queryable,
  committeeId: string,
  at: Date,
  by: string,
  action: AccessAction,
  detail: Record<string, unknown>,
): Promise<void> {
  await insertAccessChange(tx, { committeeId, at, by, action, detail });
}

export async function accessLog(q: Queryable, committeeId: string): Promise<AccessEvent[]> {
  const rows = await accessChangesOf(q, committeeId);
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    by: r.byPerson,
    action: r.action,
    detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
  }));
}
