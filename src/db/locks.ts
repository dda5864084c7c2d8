// Transaction-scoped advisory locks, for ordering a hot path against a rare state change
// without row locks: many concurrent token issuances share a vote's or a meeting's lock, which
// costs nothing on disk, while a close or an attendance change takes it exclusively. (Shared
// row locks on one hot row would each rewrite the row and serialise on it.)
import type { Queryable } from './database.ts';

const NAMESPACE = { vote: 1, meeting: 2 } as const;
export type LockScope = keyof typeof NAMESPACE;

export async function lockShared(tx: Queryable, scope: LockScope, id: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [NAMESPACE[scope], id]);
}

export async function lockExclusive(tx: Queryable, scope: LockScope, id: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [NAMESPACE[scope], id]);
}
