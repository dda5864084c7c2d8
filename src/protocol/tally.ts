// Counting: from a vote definition and the ballots in the record to the published result.
// Deterministic and independent of ballot order: only counts are kept, and every list follows
// the definition's order.
import { isCommitteeItem, isItemOverMarked, itemKind, validateBallot, type ItemKind, type Mark, type AnyVoteDefinition, type VoteItem } from './ballot.ts';
import { isShapedItem, tallyEvaluation, tallyRecommendation, type EvaluationTally, type RecommendationTally } from './shapes.ts';
import { expectInt } from './guards.ts';
import { ProtocolError } from './errors.ts';

export type Outcome = 'elected' | 'not_elected' | 'undecided';

export interface CandidateTally {
  candidateId: string;
  name: string;
  approve: number;
  disapprove: number;
  abstain: number;
  defer: number;
  outcome: Outcome;
}

export interface ItemTally {
  itemId: string;
  post: string;
  kind: ItemKind;
  seats: number;
  /** 有效: ballots whose marks for this item count. */
  valid: number;
  /** 无效: ballots that approved more candidates than seats in this item. */
  invalid: number;
  candidates: CandidateTally[];
  /** Seats left open by a tie at the last seat. */
  undecidedSeats: number;
  /** 再次票决 among the tied candidates (definition order), or null. */
  runoff: null | { seats: number; candidateIds: string[] };
}

export interface Tally {
  voteId: string;
  /** 应到 */
  entitled: number;
  /** 实到: members in the meeting's attendance when the vote closed (passed to computeTally). */
  present: number;
  /** 发出: tokens issued. */
  issued: number;
  /** 收回: ballots in the record. */
  returned: number;
  majorityBase: 'entitled' | 'present';
  /** 同意 needed for approval: more than half of the base, i.e. ⌊base/2⌋ + 1. */
  required: number;
  /** One per committee item (confirmation / differential), in the definition's order; empty for a shaped vote. */
  items: ItemTally[];
  /**
   * Only for a vote with a recommendation or evaluation item (shapes.ts): its tally, in the
   * definition's order (one, as the item-mix rule allows one). Absent for a committee vote, so
   * those tallies are byte for byte what they were.
   */
  shaped?: ShapedTally[];
}

export type ShapedTally = RecommendationTally | EvaluationTally;

/** Smallest approve count that is "more than half" of base: ⌊base/2⌋ + 1. */
export function approvalsRequired(base: number): number {
  return Math.floor(base / 2) + 1;
}

/**
 * Outcome rule per item (k seats):
 * 1. a candidate is approved only with approve > base/2 (base = 应到 or 实到 per the rules);
 * 2. approved candidates ranked by approve count take the k seats;
 * 3. if the k-th and (k+1)-th approved candidates have the same count, every approved candidate
 *    with that count is 'undecided', the seats they would share stay open (undecidedSeats) and
 *    they are the run-off; candidates above that count are elected, all others not elected.
 */
function decideItem(counts: { candidateId: string; approve: number }[], seats: number, required: number) {
  const approved = counts.filter((c) => c.approve >= required).sort((a, b) => b.approve - a.approve);
  const outcome = new Map<string, Outcome>(counts.map((c) => [c.candidateId, 'not_elected']));
  if (approved.length <= seats) {
    for (const c of approved) outcome.set(c.candidateId, 'elected');
    return { outcome, undecidedSeats: 0, tied: [] as string[] };
  }
  const last = approved[seats - 1]!.approve;
  const next = approved[seats]!.approve;
  if (last > next) {
    for (const c of approved.slice(0, seats)) outcome.set(c.candidateId, 'elected');
    return { outcome, undecidedSeats: 0, tied: [] as string[] };
  }
  const above = approved.filter((c) => c.approve > last);
  const tied = approved.filter((c) => c.approve === last);
  for (const c of above) outcome.set(c.candidateId, 'elected');
  for (const c of tied) outcome.set(c.candidateId, 'undecided');
  return { outcome, undecidedSeats: seats - above.length, tied: tied.map((c) => c.candidateId) };
}

/** What the close fixes besides the ballots: 发出 and 实到. */
export interface Turnout {
  /** 发出: the number of issuance entries (tokens issued). */
  issued: number;
  /**
   * 实到: the number of members in the meeting's latest attendance.recorded entry before the
   * vote.closed entry. Attendance may be recorded after the vote was created (签到即领票).
   */
  present: number;
}

/**
 * Counts the ballots. Every ballot is validated against the definition first (throws
 * ProtocolError('invalid_ballot') — the service validated them at cast, so this is a guard, and
 * the verifier reports it). The approval base is definition.entitled (应到) or turnout.present
 * (实到) per definition.rules.majorityBase. Does not check returned ≤ issued ≤ present ≤ entitled
 * (the verifier's turnout check does); throws ProtocolError('invalid_definition') when issued or
 * present is not a non-negative integer.
 */
export function computeTally(definition: AnyVoteDefinition, ballots: readonly unknown[], turnout: Turnout): Tally {
  const issued = expectInt(turnout.issued, 'issued', 'invalid_definition');
  const present = expectInt(turnout.present, 'present', 'invalid_definition');
  const valid = ballots.map((b, i) => {
    try {
      return validateBallot(definition, b);
    } catch (e) {
      if (e instanceof ProtocolError)
        throw new ProtocolError(e.code, `ballots.${i}: ${e.message}`, { field: `ballots.${i}.${e.field ?? ''}`, cause: e, zh: `ballots.${i}：${e.messageZh}` });
      throw e;
    }
  });
  const base = definition.rules.majorityBase === 'present' ? present : definition.entitled;
  const required = approvalsRequired(base);
  const items = definition.items.filter(isCommitteeItem).map(committeeItemTally);
  const shaped = definition.items.filter(isShapedItem).map((item): ShapedTally => {
    const cells = valid.map((b) => b.choices[item.itemId]);
    return item.shape === 'recommendation' ? tallyRecommendation(item, cells) : tallyEvaluation(item, cells);
  });
  function committeeItemTally(item: VoteItem): ItemTally {
    const counts = item.candidates.map((c) => ({ candidateId: c.candidateId, name: c.name, approve: 0, disapprove: 0, abstain: 0, defer: 0 }));
    let invalid = 0;
    for (const ballot of valid) {
      const marks = ballot.choices[item.itemId]!;
      if (isItemOverMarked(item, marks)) {
        invalid++;
        continue;
      }
      for (const c of counts) c[marks[c.candidateId] as Mark]++;
    }
    const { outcome, undecidedSeats, tied } = decideItem(counts, item.seats, required);
    const tiedInOrder = item.candidates.map((c) => c.candidateId).filter((id) => tied.includes(id));
    return {
      itemId: item.itemId,
      post: item.post,
      kind: itemKind(item),
      seats: item.seats,
      valid: valid.length - invalid,
      invalid,
      candidates: counts.map((c) => ({ ...c, outcome: outcome.get(c.candidateId)! })),
      undecidedSeats,
      runoff: undecidedSeats > 0 ? { seats: undecidedSeats, candidateIds: tiedInOrder } : null,
    };
  }
  return {
    voteId: definition.voteId,
    entitled: definition.entitled,
    present,
    issued,
    returned: valid.length,
    majorityBase: definition.rules.majorityBase,
    required,
    items,
    ...(shaped.length > 0 ? { shaped } : {}),
  };
}
