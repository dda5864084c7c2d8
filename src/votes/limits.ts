// The largest vote the service accepts. Vote creation validates against these, and the cast
// route's body limit (src/http/body-limits.ts) is sized from them.
export const MAX_ITEMS = 20;
export const MAX_CANDIDATES_PER_ITEM = 200;
export const MAX_SEATS = 50;
/**
 * Longest 现任职务 / 拟任职务 accepted for a candidate, in characters (a 任免 list's longest
 * entries are about 40). A vote filled to every limit with posts this long exceeds the creation
 * body limit (src/http/body-limits.ts) and is refused with 413; real votes are far smaller.
 */
export const CANDIDATE_POST_INPUT_MAX = 100;
