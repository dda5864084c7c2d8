// A committee's voting rules, with the defaults of the county standing-committee regulations.
import { z } from 'zod';
import { MARKS, type VoteRules } from '../protocol/ballot.ts';
import { CANDIDATE_RATIO_MAX, CANDIDATE_RATIO_MIN, QUORUM_TERM_INPUT_MAX } from '../protocol/limits.ts';

export const rulesSchema = z.strictObject({
  /** Quorum as a fraction of entitled members; "以上" includes the boundary. */
  quorum: z
    .strictObject({ num: z.number().int().min(1).max(QUORUM_TERM_INPUT_MAX), den: z.number().int().min(1).max(QUORUM_TERM_INPUT_MAX) })
    .refine((q) => q.num <= q.den, { message: 'quorum fraction must be at most 1' })
    .default({ num: 2, den: 3 }),
  /** 应到 (entitled) or 实到 (present): the base that approval must exceed half of. */
  majorityBase: z.enum(['entitled', 'present']).default('entitled'),
  /** Minimum candidates per seat for a differential (差额) item: n ≥ ratio × k. */
  minCandidateRatio: z.number().min(CANDIDATE_RATIO_MIN).max(CANDIDATE_RATIO_MAX).default(1.5),
  /** The marks a ballot offers; 同意 and 不同意 are always offered. 缓议 is 'defer'. */
  marks: z
    .array(z.enum(MARKS))
    .min(2)
    .refine((m) => m.includes('approve') && m.includes('disapprove'), { message: 'marks must include approve and disapprove' })
    .refine((m) => new Set(m).size === m.length, { message: 'marks must not repeat' })
    .default(['approve', 'disapprove', 'abstain']),
  /** Stroke-order convention for candidate lists. */
  collation: z.enum(['surname', 'fullname']).default('surname'),
});

export type CommitteeRules = z.output<typeof rulesSchema>;

/** The part of the rules that travels in the record with every vote (the marks travel apart). */
export function voteRules(rules: CommitteeRules): VoteRules {
  return { majorityBase: rules.majorityBase, quorum: rules.quorum, minCandidateRatio: rules.minCandidateRatio, collation: rules.collation };
}
