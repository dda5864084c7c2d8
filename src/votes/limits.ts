// The largest vote the service accepts. Vote creation validates against these, and the cast
// route's body limit (src/http/body-limits.ts) is sized from them.
export const MAX_ITEMS = 20;
export const MAX_CANDIDATES_PER_ITEM = 200;
export const MAX_SEATS = 50;
