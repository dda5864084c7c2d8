// Public surface of the collation module (isomorphic: service, CLI and browser).
export { CONVENTIONS, characterStrokes, compareNames, sortNames } from './collate.ts';
export type { Convention, NameFallbacks } from './collate.ts';
export { STROKE_DATA_SOURCE } from './stroke-data.ts';
export { duplicateNames, parseNameList, readNameList } from './name-list.ts';
