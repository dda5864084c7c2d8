// Public surface of the collation module (isomorphic: service, CLI and browser).
export { CONVENTIONS, characterStrokes, compareNames, nameFallbacks, sortNames, strokeSortKey } from './collate.ts';
export type { CharacterStrokes, Convention, FallbackCharacter, NameFallbacks, SortedNames, StrokeBasis } from './collate.ts';
export { STROKE_DATA_SOURCE } from './stroke-data.ts';
export { duplicateNames, parseNameList, readNameList } from './name-list.ts';
