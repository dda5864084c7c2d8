// 现任职务 / 拟任职务 as plain text (issue 11), for the places that show a candidate in one line:
// the `piaojue verify` tally, and the definition those places read from a vote's record. Pure (no
// DOM), so the CLI and the pages share it; src/web/posts.ts renders the same on the ballot.
import { asCommitteeDefinition, parseVoteDefinition, proposedPostOf, type Candidate, type VoteDefinition, type VoteItem } from '../protocol/ballot.ts';

/** 现任：…；拟任：… for a candidate with posts, else null (every older vote). */
export function postsText(item: Pick<VoteItem, 'post'>, c: Candidate): string | null {
  if (c.currentPost === undefined && c.proposedPost === undefined) return null;
  return [c.currentPost !== undefined ? `现任：${c.currentPost}` : null, `拟任：${proposedPostOf(item, c)}`].filter((x) => x !== null).join('；');
}

/**
 * The vote's definition as its record's vote.created entry states it, or null when the record
 * holds none that parses. Only for display beside a result the verifier accepted: the verifier
 * has then checked the chain this entry is part of.
 */
export function recordDefinition(record: unknown, voteId: string): VoteDefinition | null {
  const entries = (record as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) return null;
  for (const e of entries as { kind?: unknown; body?: { definition?: { voteId?: unknown } } }[]) {
    if (e?.kind !== 'vote.created' || e.body?.definition?.voteId !== voteId) continue;
    try {
      return asCommitteeDefinition(parseVoteDefinition(e.body.definition));
    } catch {
      return null;
    }
  }
  return null;
}

/** The candidate of `def` with this item and candidate id, with its item. */
export function findCandidate(def: VoteDefinition | null, itemId: string, candidateId: string): { item: VoteItem; candidate: Candidate } | null {
  const item = def?.items.find((it) => it.itemId === itemId);
  const candidate = item?.candidates.find((c) => c.candidateId === candidateId);
  return item && candidate ? { item, candidate } : null;
}
