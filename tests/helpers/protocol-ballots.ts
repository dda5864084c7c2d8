// Ballots for counting tests: well-formed byte lengths, no real tokens (counting never checks them).
import type { AnyChoices, AnyVoteDefinition, Ballot, BallotV2, Choices, DefinitionItem, VoteDefinition, VoteItem } from '../../src/protocol/ballot.ts';
import { DEFAULT_GRADES, MORE_THAN_HALF, type EvaluationItem, type Grade, type RecommendationItem, type Threshold } from '../../src/protocol/shapes.ts';
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

/** A version-2 ballot for counting tests: well-formed lengths, no real token or signature. */
export function fakeBallotV2(voteId: string, i: number, choices: AnyChoices): BallotV2 {
  const key = new Uint8Array(32);
  new DataView(key.buffer).setUint32(0, i);
  return {
    voteId,
    ballotPublicKey: toBase64url(key),
    signature: toBase64url(new Uint8Array(48).fill(0xa0)),
    ballotSignature: toBase64url(new Uint8Array(64)),
    choices,
  };
}

/** A version-2 definition holding exactly this item (a shaped vote). */
export function shapedDefinition(item: DefinitionItem, overrides: Partial<AnyVoteDefinition> = {}): AnyVoteDefinition {
  return { ...definitionWith([]), items: [item], version: 2, runoffOf: null, ...overrides };
}

/** A recommendation item over names n1..nN (name = `name nK`). */
export function recommendation(itemId: string, maxMarks: number, ids: string[], threshold: Threshold = MORE_THAN_HALF): RecommendationItem {
  return {
    itemId,
    shape: 'recommendation',
    post: `post ${itemId}`,
    maxMarks,
    threshold,
    candidates: ids.map((candidateId) => ({ candidateId, name: `name ${candidateId}` })),
  };
}

/** An evaluation item over these cadres with the default grades (or the given ones). */
export function evaluation(itemId: string, ids: string[], grades: Grade[] = [...DEFAULT_GRADES]): EvaluationItem {
  return {
    itemId,
    shape: 'evaluation',
    title: `evaluation ${itemId}`,
    grades,
    candidates: ids.map((candidateId) => ({ candidateId, name: `name ${candidateId}` })),
  };
}

/** Recommendation cells: the marked ids 'recommend', every other name 'blank'. */
export function marked(item: RecommendationItem, ids: string[]): Record<string, string> {
  return Object.fromEntries(item.candidates.map((c) => [c.candidateId, ids.includes(c.candidateId) ? 'recommend' : 'blank']));
}

/** Evaluation cells: the given grade per id, 'abstain' for every other cadre. */
export function graded(item: EvaluationItem, grades: Record<string, string>): Record<string, string> {
  return Object.fromEntries(item.candidates.map((c) => [c.candidateId, grades[c.candidateId] ?? 'abstain']));
}
