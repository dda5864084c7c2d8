// One parser for every place a list of names is typed or pasted: `piaojue sort-names`, the
// secretary's candidate list and the administrator's roster paste. Pure and isomorphic.
//
// The rule (documented with examples in README.md beside this file):
//  1. Lines: every line break (\n, \r\n, \r, U+2028, U+2029) ends a name. A leading BOM is dropped.
//  2. List punctuation: 、 ， , ； ; also end a name, within a line.
//  3. Whitespace (any, including the ideographic space U+3000) between two names written in Chinese
//     characters separates them: 张三 李四 → 张三, 李四.
//  4. Whitespace between two words without any Chinese character (Latin-script and other
//     alphabetic names) is part of the name, reduced to one space: Wang Yi → "Wang Yi";
//     to put several such names on one line, separate them with a comma or 、.
//     Whitespace between a Chinese word and such a word separates names: 张三 John Smith → 张三, John Smith.
//  5. Printed lists pad two-character names with a space (王　毅): two single Chinese characters in a
//     row, each standing alone between spaces, are one two-character name (王　宁　王　凯 → 王宁,
//     王凯). A single Chinese character left over stays a name of its own.
//  6. Spaces around the separator dot of transliterated names (· ‧ ・ • ･) are dropped:
//     买买提 · 艾力 → 买买提·艾力.
//  Blank entries are skipped; nothing else is changed, and the order is kept. Duplicates are kept
//  too (a roster may hold two people of one name); duplicateNames/readNameList report them.

const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/u;
const LIST_SEPARATOR = /[、，,；;]/u;
const DOT_WITH_SPACES = /\s*([\u00b7\u2022\u2027\u30fb\uff65])\s*/gu;
const HAN = /\p{Script=Han}/u;

/** Splits pasted text into names by the rule above. */
export function parseNameList(text: string): string[] {
  const names: string[] = [];
  for (const line of text.replace(/^\ufeff/u, '').split(LINE_BREAK)) {
    for (const segment of line.split(LIST_SEPARATOR)) {
      names.push(...namesInSegment(segment.replace(DOT_WITH_SPACES, '$1')));
    }
  }
  return names;
}

function namesInSegment(segment: string): string[] {
  const words = segment.split(/\s+/u).filter((w) => w.length > 0);
  const out: string[] = [];
  let latin: string[] = [];
  let single: string | undefined; // a lone Chinese character waiting for its pair
  const flushLatin = () => {
    if (latin.length > 0) out.push(latin.join(' '));
    latin = [];
  };
  const flushSingle = () => {
    if (single !== undefined) out.push(single);
    single = undefined;
  };
  for (const word of words) {
    if (!HAN.test(word)) {
      flushSingle();
      latin.push(word);
      continue;
    }
    flushLatin();
    if ([...word].length === 1) {
      if (single === undefined) single = word;
      else {
        out.push(single + word);
        single = undefined;
      }
      continue;
    }
    flushSingle();
    out.push(word);
  }
  flushSingle();
  flushLatin();
  return out;
}

/** Names that occur more than once in a list, each reported once, in the order of their first occurrence. */
export function duplicateNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) repeated.add(name);
    else seen.add(name);
  }
  return [...repeated];
}

/** parseNameList and duplicateNames in one call: every name as pasted (duplicates kept, order kept) and the repeated ones. */
export function readNameList(text: string): { names: string[]; duplicates: string[] } {
  const names = parseNameList(text);
  return { names, duplicates: duplicateNames(names) };
}
