// Every size limit of a vote definition, in one place: the protocol's parsers read them, and the
// service's validators (src/committees/rules.ts) import them, so the two cannot disagree (issue 13).
// Pure constants.

/** Items per vote (committee-vote shapes; a recommendation or evaluation vote has exactly one). */
export const ITEMS_MAX = 100;
/** k of a confirmation/differential item. */
export const SEATS_MAX = 1000;
/** Candidates of one confirmation/differential item. */
export const CANDIDATES_MAX = 1000;
/** 应到 of a vote. */
export const ENTITLED_MAX = 100_000;
/** Numerator and denominator of the quorum fraction a record may carry (protocol §6: 1 to 1000). */
export const QUORUM_TERM_MAX = 1000;
/**
 * What the service accepts when a committee's rules are set (1 to 100): stricter than the record
 * on purpose, so everything the service writes parses; the record's bound is not lowered, since
 * that would refuse records that were valid under the published protocol.
 */
export const QUORUM_TERM_INPUT_MAX = 100;
/** The differential item's minimum candidates per seat, "1 : ratio". */
export const CANDIDATE_RATIO_MIN = 1;
export const CANDIDATE_RATIO_MAX = 10;

/** 民主推荐: names on the eligible list. */
export const RECOMMENDATION_NAMES_MAX = 500;
/** 民主推荐: k, the most names one ballot may mark (1 ≤ k ≤ number of names). */
export const RECOMMENDATION_MARKS_MAX = 100;
/** 民主推荐: numerator and denominator of the threshold fraction. */
export const THRESHOLD_TERM_MAX = 1000;

/** 民主测评: cadres on one evaluation ballot (20–40 is usual). */
export const EVALUATION_CADRES_MAX = 200;
/** 民主测评: grades on the list, best first (优秀/称职/基本称职/不称职 by default). */
export const GRADES_MIN = 3;
export const GRADES_MAX = 6;
/**
 * A grade code's length: at most the width every mark is padded to (MARK_WIDTH in ballot-v2.ts,
 * the length of `disapprove`), so every cast of one vote still has one length.
 */
export const GRADE_CODE_MAX = 10;
/** A grade's printed name, in UTF-16 code units. */
export const GRADE_NAME_MAX = 16;

/** 三元测评: how many evaluation results one composite combines (three in the county's rules). */
export const COMPOSITE_SOURCES_MIN = 2;
export const COMPOSITE_SOURCES_MAX = 5;
/** Points a grade may be worth in the composite score (0 to 100). */
export const GRADE_POINTS_MAX = 100;
/** The composite's weights are whole percentages summing to this. */
export const WEIGHTS_TOTAL = 100;
