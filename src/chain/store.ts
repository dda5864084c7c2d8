// The stored side of a committee's chain: its head row and its entries in the database, one
// function per query, and the append that chains them. The entry format and its hashing live in
// the protocol core (src/protocol/chain.ts), so the verifier computes exactly what is stored here.
import { AppError } from '../errors.ts';
import type { Queryable } from '../db/database.ts';
import { GENESIS_PREV, type ChainEntry, type EntryKind, type EntryBody } from '../protocol/chain.ts';
import { CanonicalText, canonicalObjectText, canonicalText, sha256Hex } from './canonical-text.ts';

/** Creates the chain's head row; call in the transaction that creates the committee. */
export async function initChain(tx: Queryable, committeeId: string): Promise<void> {
  await tx.query('INSERT INTO chain_heads (committee_id, seq, hash) VALUES ($1, -1, $2)', [committeeId, GENESIS_PREV]);
}

/** The head, its row locked: the lock serialises appends across transactions and service instances. */
export async function lockHead(tx: Queryable, committeeId: string): Promise<{ seq: number; hash: string } | undefined> {
  return (await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM chain_heads WHERE committee_id = $1 FOR UPDATE', [committeeId]))[0];
}

/** The entry's canonical text (what the record serves) is stored with it. */
async function insertEntry(tx: Queryable, entry: { committeeId: string; seq: number; kind: EntryKind; hash: string }, text: string): Promise<void> {
  await tx.query('INSERT INTO chain_entries (committee_id, seq, kind, hash, entry) VALUES ($1, $2, $3, $4, $5)', [
    entry.committeeId,
    entry.seq,
    entry.kind,
    entry.hash,
    text,
  ]);
}

async function moveHead(tx: Queryable, committeeId: string, head: { seq: number; hash: string }): Promise<void> {
  await tx.query('UPDATE chain_heads SET seq = $2, hash = $3 WHERE committee_id = $1', [committeeId, head.seq, head.hash]);
}

export async function appendEntry<K extends EntryKind>(tx: Queryable, committeeId: string, kind: K, body: EntryBody<K>): Promise<ChainEntry> {
  const { seq, prev, hash } = await appendCanonicalEntry(tx, committeeId, kind, canonicalText(body));
  return { committeeId, seq, prev, kind, body, hash } as ChainEntry;
}

/**
 * Appends an entry whose body is given as its canonical text (canonical-text.ts): the body is
 * neither parsed nor canonicalised again. The hash is the protocol's hashEntry — SHA-256 of the
 * canonical {committeeId, seq, prev, kind, body} — and the stored text the canonical entry.
 */
export async function appendCanonicalEntry(
  tx: Queryable,
  committeeId: string,
  kind: EntryKind,
  bodyText: string,
): Promise<{ seq: number; prev: string; hash: string }> {
  const head = await lockHead(tx, committeeId);
  if (!head) throw new AppError('not_found', 'No such committee.');
  const unsigned = { committeeId, seq: Number(head.seq) + 1, prev: head.hash, kind, body: new CanonicalText(bodyText) };
  const hash = sha256Hex(canonicalObjectText(unsigned));
  await insertEntry(tx, { committeeId, seq: unsigned.seq, kind, hash }, canonicalObjectText({ ...unsigned, hash }));
  await moveHead(tx, committeeId, { seq: unsigned.seq, hash });
  return { seq: unsigned.seq, prev: unsigned.prev, hash };
}

export async function chainHead(q: Queryable, committeeId: string): Promise<{ seq: number; hash: string } | undefined> {
  const row = (await q.query<{ seq: number; hash: string }>('SELECT seq, hash FROM chain_heads WHERE committee_id = $1', [committeeId]))[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

export async function readEntries(q: Queryable, committeeId: string, range: { from?: number; to?: number } = {}): Promise<ChainEntry[]> {
  const rows = await q.query<{ entry: string }>('SELECT entry FROM chain_entries WHERE committee_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq', [
    committeeId,
    range.from ?? 0,
    range.to ?? Number.MAX_SAFE_INTEGER,
  ]);
  return rows.map((r) => JSON.parse(r.entry) as ChainEntry);
}
