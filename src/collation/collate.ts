// Names in stroke order (姓氏笔画 / 姓名笔划), as official lists are ordered. Pure and isomorphic:
// no I/O, no clock; it runs in the service, the CLI and the browser.
//
// Each name becomes one sort key, a string whose UTF-16 code units compare (with plain `<`) in
// the required order, so sorting 10,000 names is 10,000 key builds plus cheap string compares.
// Key layout (one code unit per [ ]):
//   Chinese name:  [1] surname-convention: char(c0) [1 + min(given length, 2)] char(c1) char(c2) …
//                      fullname-convention: char(c0) char(c1) …
//   other script:  [2] then per code point [1 + (cp >> 16)] [cp & 0xffff]   → code point order
//   char(c), with a stroke sequence in the data: [2 + 2·strokes] [1 + rank within that count]
//            without one, Unihan total strokes n:  [3 + 2·strokes] [1 + (cp >> 16)] [cp & 0xffff]
//            neither:                              [0xff00] [1 + (cp >> 16)] [cp & 0xffff]
// The first unit of char(c) fixes how many units follow, so keys never collide across forms.
import { DERIVED_FROM_COMPONENTS, RANKED_BY_STROKES, UNIHAN_TOTAL_STROKES } from './stroke-data.ts';

export type Convention = 'surname' | 'fullname';
export const CONVENTIONS: readonly Convention[] = ['surname', 'fullname'];

/**
 * Where a character's place comes from:
 *  - `sequence`: a stroke sequence given for the character itself (stroke-order data);
 *  - `derived`: a five-class sequence derived from its components (with the simplified forms of
 *    the components 类推简化 simplifies), checked against the character's stroke count;
 *  - `count-only`: no sequence; placed after the characters of its Unihan total stroke count;
 *  - `unknown`: neither; placed after every counted character.
 */
export type StrokeBasis = 'sequence' | 'derived' | 'count-only' | 'unknown';

/** A character of a Chinese name placed without a stroke sequence of its own. */
export interface FallbackCharacter {
  character: string;
  basis: Exclude<StrokeBasis, 'sequence'>;
  /** The strokes it was placed by; absent when unknown. */
  strokes?: number;
}

/** A name with at least one such character, by its position in the sorted `names`. */
export interface NameFallbacks {
  index: number;
  name: string;
  characters: FallbackCharacter[];
}

export interface SortedNames {
  /** The names, in order; each name exactly as given. */
  names: string[];
  /** Characters of Chinese names that have no stroke sequence in the data, in code point order. */
  unknownCharacters: string[];
  /** Each sorted name with characters whose sequence is derived or missing, for checking by hand. */
  fallbacks: NameFallbacks[];
}

export interface CharacterStrokes {
  /** Total strokes: from the stroke sequence, else Unihan kTotalStrokes; undefined if neither. */
  strokes: number | undefined;
  /** True when a stroke sequence (given or derived) is in the data, i.e. the character sorts by the full rule. */
  known: boolean;
  basis: StrokeBasis;
}

// Separators inside transliterated names (·, ‧, ・, •, ･) and whitespace (official lists pad
// two-character names with U+3000) do not take part in the order.
const IGNORED = /[\s\u00b7\u2022\u2027\u30fb\uff65]/gu;
const HAN = /\p{Script=Han}/u;
const FALLBACK_BUCKET = 0xff00;

let rankKeys: Map<string, string> | undefined;

function knownCharKeys(): Map<string, string> {
  if (rankKeys !== undefined) return rankKeys;
  rankKeys = new Map();
  RANKED_BY_STROKES.forEach((chars, strokes) => {
    let rank = 0;
    for (const char of chars) {
      rankKeys!.set(char, String.fromCharCode(2 + 2 * strokes, 1 + rank));
      rank++;
    }
  });
  return rankKeys;
}

function unihanTotalStrokes(cp: number): number | undefined {
  for (const [start, packed] of UNIHAN_TOTAL_STROKES) {
    const offset = cp - start;
    if (offset >= 0 && offset < packed.length) {
      const n = packed.charCodeAt(offset) - 0x20;
      return n > 0 ? n : undefined;
    }
  }
  return undefined;
}

let derivedPages: Map<number, string> | undefined;

/** True when the character's sequence is derived from its components (stroke-data.ts bitmap). */
function isDerived(cp: number): boolean {
  derivedPages ??= new Map(DERIVED_FROM_COMPONENTS.map(([start, bits]) => [start, bits]));
  const page = cp - (cp % 1536);
  const unit = derivedPages.get(page)?.charCodeAt(Math.floor((cp - page) / 6)); // NaN past the page's last set bit
  return unit !== undefined && !Number.isNaN(unit) && (((unit - 0x30) >> ((cp - page) % 6)) & 1) === 1;
}

function codePointUnits(cp: number): string {
  return String.fromCharCode(1 + (cp >> 16), cp & 0xffff);
}

/** The key of one character, recording it in `unknown` when it has no stroke sequence. */
function charKey(char: string, unknown: Set<string> | undefined): string {
  const known = knownCharKeys().get(char);
  if (known !== undefined) return known;
  unknown?.add(char);
  const cp = char.codePointAt(0)!;
  const strokes = unihanTotalStrokes(cp);
  return (strokes === undefined ? String.fromCharCode(FALLBACK_BUCKET) : String.fromCharCode(3 + 2 * strokes)) + codePointUnits(cp);
}

/** How the data knows a character (for tests, coverage reports and tools). */
export function characterStrokes(char: string): CharacterStrokes {
  const key = knownCharKeys().get(char);
  const cp = char.codePointAt(0);
  if (key !== undefined) {
    return { strokes: (key.charCodeAt(0) - 2) / 2, known: true, basis: isDerived(cp!) ? 'derived' : 'sequence' };
  }
  const strokes = cp === undefined ? undefined : unihanTotalStrokes(cp);
  return { strokes, known: false, basis: strokes === undefined ? 'unknown' : 'count-only' };
}

/** The characters of a Chinese name placed without a sequence of their own (none for other scripts). */
export function nameFallbacks(name: string): FallbackCharacter[] {
  const chars = [...name.replace(IGNORED, '')];
  if (chars[0] === undefined || !HAN.test(chars[0])) return [];
  const out: FallbackCharacter[] = [];
  const seen = new Set<string>();
  for (const character of chars) {
    if (seen.has(character)) continue;
    seen.add(character);
    const { strokes, basis } = characterStrokes(character);
    if (basis === 'sequence') continue;
    out.push(strokes === undefined ? { character, basis } : { character, basis, strokes });
  }
  return out;
}

/**
 * The sort key of one name under a convention. Keys of two names compare with `<` exactly as
 * `compareNames` orders the names. Characters without stroke data are added to `unknown`.
 */
export function strokeSortKey(name: string, convention: Convention, unknown?: Set<string>): string {
  const chars = [...name.replace(IGNORED, '')];
  const first = chars[0];
  if (first === undefined || !HAN.test(first)) {
    // Latin-script (and any other non-Han) names come after every Chinese name, by code point.
    let key = '\u0002';
    for (const c of chars) key += codePointUnits(c.codePointAt(0)!);
    return key;
  }
  let key = '\u0001' + charKey(first, unknown);
  // 姓氏笔画: after the surname, the surname alone, then the names with a one-character given name,
  // then all the others, whose given names (two characters or more) are compared character by
  // character whatever their length.
  if (convention === 'surname') key += String.fromCharCode(1 + Math.min(chars.length - 1, 2));
  for (let i = 1; i < chars.length; i++) key += charKey(chars[i]!, unknown);
  return key;
}

/** Orders two names by stroke order: negative if `a` comes first, 0 if they tie. */
export function compareNames(a: string, b: string, convention: Convention = 'surname'): number {
  const ka = strokeSortKey(a, convention);
  const kb = strokeSortKey(b, convention);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Sorts names (stable: equal keys keep their input order) and reports unknown characters. */
export function sortNames(names: readonly string[], convention: Convention = 'surname'): SortedNames {
  const unknown = new Set<string>();
  const keyed = names.map((name, index) => ({ name, index, key: strokeSortKey(name, convention, unknown) }));
  keyed.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.index - y.index));
  const fallbacks: NameFallbacks[] = [];
  keyed.forEach(({ name }, index) => {
    const characters = nameFallbacks(name);
    if (characters.length > 0) fallbacks.push({ index, name, characters });
  });
  return {
    names: keyed.map((k) => k.name),
    unknownCharacters: [...unknown].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!),
    fallbacks,
  };
}
