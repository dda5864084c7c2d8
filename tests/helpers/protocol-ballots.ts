// Ballots for counting tests: well-formed byte lengths, no real tokens (counting never checks them).
import type { Ballot, Choices, VoteDefinition, VoteItem } from '../../src/protocol/ballot.ts';
import { toBase64url } from '../../src/protocol/encoding.ts';
import { RULES } from '../../testkit/protocol-scenario.ts';

export function fakeBallot(voteId: string, i: number, choices: Choices): Ballot {
  const t = new Uint8Array(32);
  new DataView(t.buffer).setUint32(0, i);
  return { voteId, t: toBase64url(t), signature: toBase64url(new Uint8Array(48).fill(0xa0)), choices };
}

export function definitionWith(items: VoteItem[], overrides: Partial<VoteDefinition> = {}): VoteDefinition {
  return {
    voteId: 'v-1',
    committeeId: 'c-1',
    meetingId: 'mt-1',
    title: '表决',
    items,
    marks: ['approve', 'disapprove', 'abstain'],
    rules: RULES,
    entitled: 11,
    publicKey: toBase64url(new Uint8Array(96)),
    ...overrides,
  };
}

export function item(itemId: string, seats: number, candidateIds: string[]): VoteItem {
  return { itemId, post: `post ${itemId}`, seats, candidates: candidateIds.map((candidateId) => ({ candidateId, name: `name ${candidateId}` })) };
}
