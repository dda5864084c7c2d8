// Transaction-scoped advisory locks, for ordering a hot path against a rare state change
// without row locks: many concurrent token issuances share a vote's or a meeting's lock, which
// costs nothing on disk, while a close or an attendance change takes it exclusively. (Shared
// row locks on one hot row would each rewrite the row and serialise on it.)
//
// One global lock order, followed by every path that takes more than one of these, so that no
// two paths can each hold what the other waits for (a deadlock):
//
//   1. the meeting's advisory lock      (attendance, meeting close: exclusive; the rest shared)
//   2. the vote's advisory lock         (vote close: exclusive; token issuance: shared)
//   3. the meetings row                 (FOR UPDATE / FOR SHARE)
//   4. the votes row                    (FOR UPDATE; foreign-key checks of inserted rows)
//   5. the committees row               (FOR NO KEY UPDATE, never FOR UPDATE: an append holding the
//                                        chain head then key-share-locks this row for its entry's
//                                        foreign key, which FOR UPDATE would block: a deadlock)
//   6. the chain_heads row              (appending to the record)
//
// A path that needs an id for an earlier lock (the meeting of a vote) reads it first without
// locking: those ids never change.
import type { Queryable } from './database.ts';

const NAMESPACE = { vote: 1, meeting: 2 } as const;
export type LockScope = keyof typeof NAMESPACE;

export async function lockShared(tx: Queryable, scope: LockScope, id: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [NAMESPACE[scope], id]);
}

export async function lockExclusive(tx: Queryable, scope: LockScope, id: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [NAMESPACE[scope], id]);
}

/**
 * A token issuance's pair, both shared, in one statement (one round trip on the hot path): the
 * meeting's lock, then the vote's, in the global order above — the CTE is materialised, so its
 * lock is taken before the outer select, which reads its row, takes the vote's.
 */
export async function lockMeetingAndVoteShared(tx: Queryable, meetingId: string, voteId: string): Promise<void> {
  await tx.query(
    `WITH meeting AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared($1, hashtext($2)) AS locked)
     SELECT pg_advisory_xact_lock_shared($3, hashtext($4)) FROM meeting`,
    [NAMESPACE.meeting, meetingId, NAMESPACE.vote, voteId],
  );
}
