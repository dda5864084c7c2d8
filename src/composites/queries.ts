// The composites area's SQL, one function per query. A composite lives only as its chain entry
// (`composite.published`): there is no table of its own, so these read the chain's entries.
import type { Queryable } from '../db/database.ts';
import type { ChainEntry } from '../protocol/chain.ts';

type CompositeEntry = Extract<ChainEntry, { kind: 'composite.published' }>;

/** The committee's composites, oldest first. */
export async function listCompositeEntries(q: Queryable, committeeId: string): Promise<CompositeEntry[]> {
  const rows = await q.query<{ entry: string }>("SELECT entry FROM chain_entries WHERE committee_id = $1 AND kind = 'composite.published' ORDER BY seq", [
    committeeId,
  ]);
  return rows.map((r) => JSON.parse(r.entry) as CompositeEntry);
}
