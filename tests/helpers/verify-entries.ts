// Hand-made chain entries for the verifier's per-check tests: the checks after `chain` read
// kinds, seqs and bodies only, so these carry no real links or hashes.
import type { ChainEntry, EntryBodies, EntryKind, RosterMember } from '../../src/protocol/chain.ts';
import type { Entry } from '../../src/protocol/verify/outcome.ts';

export function entry<K extends EntryKind>(seq: number, kind: K, body: EntryBodies[K]): Entry<K> {
  return { committeeId: 'c-1', seq, prev: '0'.repeat(64), kind, body, hash: seq.toString(16).padStart(64, '0') } as ChainEntry as Entry<K>;
}

/** Active voting members with these ids. */
export const members = (...ids: string[]): RosterMember[] => ids.map((memberId) => ({ memberId, name: `name ${memberId}`, votingRight: true, active: true }));
