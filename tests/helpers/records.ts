// Helpers for tests that tamper with records or expect coded protocol errors.
import { hashEntry, type VoteRecord } from '../../src/protocol/chain.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';

/** Re-links and re-hashes every entry and the head: the tamperer's best case, a self-consistent chain. */
export function rehash(record: VoteRecord): VoteRecord {
  for (const [i, e] of record.entries.entries()) {
    e.seq = i;
    if (i > 0) e.prev = record.entries[i - 1]!.hash;
    e.hash = hashEntry(e);
  }
  const last = record.entries.at(-1)!;
  record.head = { seq: last.seq, hash: last.hash };
  return record;
}

/** The ProtocolError code `fn` throws, or undefined when it returns; other errors propagate. */
export function protocolErrorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  return undefined;
}

/** The same for a promise. */
export async function protocolErrorCodeAsync(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  return undefined;
}
