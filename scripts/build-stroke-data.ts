// Generates src/collation/stroke-data.ts (and the 通用规范汉字表 fixture for the coverage test)
// from installed data; nothing is typed in by hand. Run: npx tsx scripts/build-stroke-data.ts
//
// Inputs:
//  - npm `cnchar-order` (MIT): stroke shape sequences (笔顺) of 6,939 characters, mainland forms.
//  - Debian's `rime-data-stroke` (LGPL-3; /usr/share/rime-data/stroke.dict.yaml, Rime's 五筆畫
//    table, codes h s p n z = 横 竖 撇 点 折): five-class stroke sequences for the characters of
//    通用规范汉字表 that cnchar-order lacks. The table has a Taiwan section (CNS 11643 stroke
//    orders) and a mainland section (the original table, "for compatibility with Mainland China's
//    standard Hanzi glyph"); see pickRimeCode for how one code is chosen.
//  - Unicode Unihan database (Unicode licence), read from Debian's `unicode-data` package
//    (/usr/share/unicode/Unihan_*.txt.bz2; `apt-get install unicode-data`): kTotalStrokes for the
//    fallback of characters without a stroke sequence, and kTGH (通用规范汉字表, 2013) for the
//    coverage fixture; kRSUnicode and CJKRadicals.txt to check the stroke count of a few
//    characters whose kTotalStrokes counts the traditional form of a simplified radical.
// Nothing is installed here: `apt-get install unicode-data rime-data-stroke` and `npm ci` first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { compareCharacterStrokes, STROKE_SHAPES, strokeClasses } from '../src/collation/stroke-rule.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const UNIHAN_DIR = process.env.UNIHAN_DIR ?? '/usr/share/unicode';
const RIME_STROKE_DICT = process.env.RIME_STROKE_DICT ?? '/usr/share/rime-data/stroke.dict.yaml';
const RIME_CHANGELOG = '/usr/share/doc/rime-data-stroke/changelog.Debian.gz';

function readUnihan(file: string): string {
  const bz2 = join(UNIHAN_DIR, `${file}.bz2`);
  const plain = join(UNIHAN_DIR, file);
  if (existsSync(plain)) return readFileSync(plain, 'utf8');
  if (existsSync(bz2)) return execFileSync('bzcat', [bz2], { encoding: 'utf8', maxBuffer: 1 << 28 });
  throw new Error(`${file} not found in ${UNIHAN_DIR}: apt-get install unicode-data, or set UNIHAN_DIR`);
}

function unihanField(text: string, field: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [cp, f, value] = line.split('\t');
    if (f === field && cp !== undefined && value !== undefined) out.set(parseInt(cp.slice(2), 16), value);
  }
  return out;
}

// --- Unihan ------------------------------------------------------------------------------------
const irg = readUnihan('Unihan_IRGSources.txt');
const unihanVersion = /Unihan_IRGSources\.txt\s*\n#\s*Date:[^\n]*\n#\s*Unicode version: ([\d.]+)/.exec(irg)?.[1]
  ?? /Unicode version: ([\d.]+)/.exec(irg)?.[1] ?? 'unknown';
// kTotalStrokes may hold two values, the first for the mainland (G-source) form.
const totalStrokes = new Map([...unihanField(irg, 'kTotalStrokes')].map(([cp, v]) => [cp, Number(v.split(' ')[0])]));

// --- the 8,105 characters of 通用规范汉字表 (Unihan kTGH), in table order ---------------------------
const tgh = [...unihanField(readUnihan('Unihan_OtherMappings.txt'), 'kTGH')]
  .map(([cp, v]) => ({ char: String.fromCodePoint(cp), index: Number(v.split(':')[1]) }))
  .sort((a, b) => a.index - b.index);

// --- stroke sequences, 1: cnchar-order (exact stroke shapes) ---------------------------------------
const pkgJson = JSON.parse(readFileSync(require.resolve('cnchar-order/package.json'), 'utf8')) as {
  version: string;
  license: string;
};
const cncharOrder = require('cnchar-order') as { dict: { orders: Record<string, string> } };
const entries: { char: string; shapes: string }[] = [];
const cncharShapes = new Map<string, string>();
for (const [char, shapes] of Object.entries(cncharOrder.dict.orders)) {
  if ([...char].length !== 1 || shapes.length === 0) continue;
  if (![...shapes].every((c) => c in STROKE_SHAPES)) throw new Error(`unmapped stroke code in ${char}: ${shapes}`);
  entries.push({ char, shapes });
  cncharShapes.set(char, shapes);
}

// --- stroke sequences, 2: Rime 五筆畫 (rime-data-stroke), five classes only ------------------------
// Lines `char<TAB>code` after the YAML header's `...`; h s p n z = 1 2 3 4 5. A comment line
// splits the Taiwan section (CNS 11643 stroke orders, Taiwan glyphs) from the mainland section.
if (!existsSync(RIME_STROKE_DICT)) {
  throw new Error(`${RIME_STROKE_DICT} not found: apt-get install rime-data-stroke, or set RIME_STROKE_DICT`);
}
const rimeText = readFileSync(RIME_STROKE_DICT, 'utf8');
const rimeDictVersion = /^version:\s*"?([^"\n]+)"?/m.exec(rimeText)?.[1] ?? 'unknown';
const rimeDebVersion = existsSync(RIME_CHANGELOG)
  ? /^\S+ \(([^)]+)\)/.exec(gunzipSync(readFileSync(RIME_CHANGELOG)).toString('utf8'))?.[1] ?? 'unknown'
  : 'unknown';
const MAINLAND_MARK = "compatibility with Mainland China's standard Hanzi glyph";
if (!rimeText.includes(MAINLAND_MARK)) throw new Error(`${RIME_STROKE_DICT}: mainland-section marker not found (format changed?)`);
const CLASS_OF: Record<string, string> = { h: '1', s: '2', p: '3', n: '4', z: '5' };
const rimeCodes = new Map<string, { classes: string; mainland: boolean }[]>();
let rimeMalformed = 0;
{
  let inBody = false;
  let mainland = false;
  for (const line of rimeText.split('\n')) {
    if (!inBody) { inBody = line === '...'; continue; }
    if (line.startsWith('#')) { if (line.includes(MAINLAND_MARK)) mainland = true; continue; }
    const [char, code] = line.split('\t');
    if (char === undefined || code === undefined || [...char].length !== 1) continue;
    if (!/^[hspnz]+$/.test(code)) { rimeMalformed++; continue; }
    const classes = [...code].map((c) => CLASS_OF[c]).join('');
    rimeCodes.set(char, [...(rimeCodes.get(char) ?? []), { classes, mainland }]);
  }
}

// Unihan 15.0's kTotalStrokes counts a few simplified characters with the strokes of the
// traditional radical (䴓 U+4D13, kRSUnicode 196'.4 = 鸟 5 + 4 = 9 strokes, kTotalStrokes 15).
// For a simplified radical (kRSUnicode with ') the count radical + residual strokes is exact.
const radicalChars = new Map<string, number>();
for (const line of readFileSync(join(UNIHAN_DIR, 'CJKRadicals.txt'), 'utf8').split('\n')) {
  const m = /^(\d+'?);\s*[0-9A-F]*;\s*([0-9A-F]+)/.exec(line);
  if (m) radicalChars.set(m[1]!, parseInt(m[2]!, 16));
}
const rsUnicode = unihanField(irg, 'kRSUnicode');
function simplifiedRadicalCount(cp: number): number | undefined {
  const m = /^(\d+')\.(\d+)/.exec(rsUnicode.get(cp) ?? '');
  const radical = m ? radicalChars.get(m[1]!) : undefined;
  const radicalStrokes = radical === undefined ? undefined : totalStrokes.get(radical);
  return radicalStrokes === undefined ? undefined : radicalStrokes + Number(m![2]);
}

/**
 * One code per character: among the character's codes, those whose length is the mainland
 * stroke count (Unihan kTotalStrokes, first value; else, for a simplified radical, radical +
 * residual strokes from kRSUnicode); of several, the mainland section's before the Taiwan
 * section's, then the first listed. None fits: no code (the character stays unknown).
 */
function pickRimeCode(char: string): { classes: string; mainland: boolean } | undefined {
  const codes = rimeCodes.get(char) ?? [];
  const cp = char.codePointAt(0)!;
  for (const count of [totalStrokes.get(cp), simplifiedRadicalCount(cp)]) {
    const fits = codes.filter((c) => c.classes.length === count);
    if (fits.length > 0) return fits.find((c) => c.mainland) ?? fits[0];
  }
  return undefined;
}

// Cross-check on the characters both sources have: do the five-class sequences agree?
const agreement = { tgh: { compared: 0, same: 0 }, all: { compared: 0, same: 0 } };
const tghChars = new Set(tgh.map((t) => t.char));
for (const [char, shapes] of cncharShapes) {
  const picked = pickRimeCode(char);
  if (picked === undefined) continue;
  const same = picked.classes === strokeClasses(shapes) ? 1 : 0;
  agreement.all.compared++; agreement.all.same += same;
  if (tghChars.has(char)) { agreement.tgh.compared++; agreement.tgh.same += same; }
}

// cnchar-order wherever it has the character; Rime only for the 通用规范汉字表 characters it
// lacks (the module stays small; anything else falls back to Unihan as before).
let fromRime = 0;
let fromRimeByRadical = 0;
for (const { char } of tgh) {
  if (cncharShapes.has(char)) continue;
  const picked = pickRimeCode(char);
  if (picked === undefined) continue;
  if (picked.classes.length !== totalStrokes.get(char.codePointAt(0)!)) fromRimeByRadical++;
  entries.push({ char, shapes: picked.classes });
  fromRime++;
}

// --- stroke sequences, 3: derived from ideographic description sequences (IDS) ----------------
// src/collation/ids-supplement.txt holds lines copied from the CJKVI IDS tables (cjkvi-ids, GPLv2;
// see its header). A character's five classes are its components' classes in writing order, each
// component taken from the data above (cnchar-order, else the Rime code that fits), else derived
// from its own IDS line. Only the structures whose writing order can be stated without exception:
//  ⿰ ⿲ (left to right) and ⿱ ⿳ (top to bottom): the parts in IDS order;
//  ⿸ with 广 厂 尸 户 戶 疒 虍 outside: the outer part first (广 then 钦);
//  ⿵ with 门 門 outside: the outer part first (门 then 口 in 问);
//  ⿺ with 辶 廴 outside: the inner part first, 辶/廴 last.
// Anything else (囗 closed last, 凵 匚 勹 戈 enclosures, ⿻ overlaps, numbered placeholders) stays
// underived. A derived sequence is used only if its length is the Unihan stroke count.
const IDS_FILE = join(root, 'src/collation/ids-supplement.txt');
const idsOf = new Map<string, string>();
for (const line of readFileSync(IDS_FILE, 'utf8').split('\n')) {
  if (line === '' || line.startsWith('#')) continue;
  const [cp, char, ...alternatives] = line.split('\t');
  if (cp === undefined || char === undefined || [...char].length !== 1 || alternatives.length === 0 ||
    parseInt(cp.slice(2), 16) !== char.codePointAt(0)) throw new Error(`${IDS_FILE}: malformed line ${JSON.stringify(line)}`);
  // Several IDSs: the one tagged for the mainland (G) glyph, else the first; tags dropped.
  const pick = alternatives.find((a) => /\[[A-Z]*G[A-Z]*\]$/.test(a)) ?? alternatives[0]!;
  idsOf.set(char, pick.replace(/\[[A-Z]+\]$/, ''));
}
const IDC_ARITY: Readonly<Record<string, number>> = {
  '⿰': 2, '⿱': 2, '⿲': 3, '⿳': 3, '⿴': 2, '⿵': 2, '⿶': 2, '⿷': 2, '⿸': 2, '⿹': 2, '⿺': 2, '⿻': 2,
};
const OUTER_FIRST: Readonly<Record<string, ReadonlySet<string>>> = {
  '⿸': new Set([...'广厂尸户戶疒虍']),
  '⿵': new Set([...'门門']),
};
const OUTER_LAST: Readonly<Record<string, ReadonlySet<string>>> = { '⿺': new Set([...'辶廴']) };
type IdsNode = { leaf: string } | { idc: string; parts: IdsNode[] };
function parseIds(ids: string): IdsNode | undefined {
  const chars = [...ids];
  let i = 0;
  const node = (): IdsNode | undefined => {
    const c = chars[i++];
    if (c === undefined) return undefined;
    const arity = IDC_ARITY[c];
    if (arity === undefined) return { leaf: c };
    const parts: IdsNode[] = [];
    for (let k = 0; k < arity; k++) {
      const part = node();
      if (part === undefined) return undefined;
      parts.push(part);
    }
    return { idc: c, parts };
  };
  const tree = node();
  return i === chars.length ? tree : undefined;
}
function knownClasses(char: string): string | undefined {
  const shapes = cncharShapes.get(char);
  return shapes !== undefined ? strokeClasses(shapes) : pickRimeCode(char)?.classes;
}
function componentClasses(char: string, seen: ReadonlySet<string>): string | undefined {
  const known = knownClasses(char);
  if (known !== undefined) return known;
  const ids = idsOf.get(char);
  if (ids === undefined || ids === char || seen.has(char)) return undefined;
  return deriveFromIds(ids, new Set([...seen, char]));
}
function deriveFromIds(ids: string, seen: ReadonlySet<string>): string | undefined {
  const evaluate = (n: IdsNode): string | undefined => {
    if ('leaf' in n) return componentClasses(n.leaf, seen);
    const parts = n.parts.map(evaluate);
    if (parts.some((p) => p === undefined)) return undefined;
    const [a, b] = parts as string[];
    const outer = n.parts[0]!;
    if ('⿰⿱⿲⿳'.includes(n.idc)) return parts.join('');
    if ('leaf' in outer && OUTER_FIRST[n.idc]?.has(outer.leaf)) return a! + b!;
    if ('leaf' in outer && OUTER_LAST[n.idc]?.has(outer.leaf)) return b! + a!;
    return undefined;
  };
  const tree = parseIds(ids);
  return tree === undefined ? undefined : evaluate(tree);
}
/** A character's sequence from its own IDS line, never from its own data. */
function deriveCharacter(char: string): string | undefined {
  const ids = idsOf.get(char);
  return ids === undefined ? undefined : deriveFromIds(ids, new Set([char]));
}

// Cross-check: every ⿰ ⿱ ⿲ ⿳ line whose character cnchar-order has, derived from its parts.
const idsCheck = { compared: 0, same: 0, underived: 0, differing: [] as string[] };
for (const [char, ids] of idsOf) {
  const shapes = cncharShapes.get(char);
  if (shapes === undefined || !'⿰⿱⿲⿳'.includes([...ids][0]!)) continue;
  const derived = deriveCharacter(char);
  if (derived === undefined) { idsCheck.underived++; continue; }
  idsCheck.compared++;
  if (derived === strokeClasses(shapes)) idsCheck.same++;
  else idsCheck.differing.push(`${char} ${ids} ${derived}/${strokeClasses(shapes)}`);
}
// The same against the Rime code (where it fits) for the sample characters cnchar-order lacks.
const idsCheckRime = { compared: 0, same: 0 };
for (const [char, ids] of idsOf) {
  const picked = cncharShapes.has(char) ? undefined : pickRimeCode(char);
  if (picked === undefined || !'⿰⿱⿲⿳'.includes([...ids][0]!)) continue;
  const derived = deriveCharacter(char);
  if (derived === undefined) continue;
  idsCheckRime.compared++;
  if (derived === picked.classes) idsCheckRime.same++;
}

let fromIds = 0;
let fromIdsByRadical = 0;
const idsRejected: string[] = [];
const known = new Set(entries.map((e) => e.char));
for (const { char } of tgh) {
  if (known.has(char)) continue;
  const derived = deriveCharacter(char);
  if (derived === undefined) continue;
  // The stroke count check of pickRimeCode: Unihan's count, else (simplified radical) radical + residual.
  const cp = char.codePointAt(0)!;
  if (derived.length !== totalStrokes.get(cp) && derived.length !== simplifiedRadicalCount(cp)) {
    idsRejected.push(`${char} ${derived.length}≠${totalStrokes.get(cp)}`);
    continue;
  }
  if (derived.length !== totalStrokes.get(cp)) fromIdsByRadical++;
  entries.push({ char, shapes: derived });
  fromIds++;
}

entries.sort(compareCharacterStrokes);
const maxStrokes = Math.max(...entries.map((e) => e.shapes.length));
const rankedByStrokes: string[] = Array.from({ length: maxStrokes + 1 }, () => '');
for (const e of entries) rankedByStrokes[e.shapes.length] += e.char;

// Packed as runs of one char per code point: ' ' = no value, else String.fromCharCode(0x20 + n).
const runs: [number, string][] = [];
let run: [number, string] | undefined;
for (const cp of [...totalStrokes.keys()].sort((x, y) => x - y)) {
  const n = totalStrokes.get(cp)!;
  if (n < 1 || 0x20 + n > 0x7e) throw new Error(`unexpected kTotalStrokes ${n} at U+${cp.toString(16)}`);
  const ch = String.fromCharCode(0x20 + n);
  if (run !== undefined && cp - (run[0] + run[1].length) < 32) {
    run[1] += ' '.repeat(cp - (run[0] + run[1].length)) + ch;
  } else {
    run = [cp, ch];
    runs.push(run);
  }
}

const out = `// GENERATED by scripts/build-stroke-data.ts — do not edit by hand.
// Sources: npm cnchar-order ${pkgJson.version} (${pkgJson.license}), Debian rime-data-stroke ${rimeDebVersion} (LGPL-3.0),
// Unicode Unihan ${unihanVersion} (Unicode licence).

export const STROKE_DATA_SOURCE = {
  strokeOrders: { package: 'cnchar-order', version: ${JSON.stringify(pkgJson.version)}, licence: ${JSON.stringify(pkgJson.license)}, characters: ${cncharShapes.size} },
  /** Five-class sequences for the 通用规范汉字表 characters cnchar-order lacks; \`agreement\`: same classes where both have the character. */
  strokeClasses: {
    package: 'rime-data-stroke (stroke.dict.yaml)', version: ${JSON.stringify(rimeDebVersion)}, dictVersion: ${JSON.stringify(rimeDictVersion)}, licence: 'LGPL-3.0',
    characters: ${fromRime},
    agreement: { tongyongGuifan: ${JSON.stringify(agreement.tgh).replaceAll('"', '')}, all: ${JSON.stringify(agreement.all).replaceAll('"', '')} },
  },
  /** Five-class sequences derived from IDS lines (src/collation/ids-supplement.txt) for 通用规范汉字表 characters neither source has; \`crossCheck\`: derived vs cnchar-order. */
  idsDerived: {
    data: 'cjkvi-ids (ids-ext-cde.txt, ids.txt)', licence: 'GPL-2.0', characters: ${fromIds},
    crossCheck: { compared: ${idsCheck.compared}, same: ${idsCheck.same} },
    crossCheckRime: { compared: ${idsCheckRime.compared}, same: ${idsCheckRime.same} },
  },
  totalStrokes: { database: 'Unihan kTotalStrokes', unicodeVersion: ${JSON.stringify(unihanVersion)}, licence: 'Unicode-3.0' },
} as const;

/** RANKED_BY_STROKES[n]: every character with a known stroke sequence of n strokes, in collation order. */
export const RANKED_BY_STROKES: readonly string[] = ${JSON.stringify(rankedByStrokes, null, 0).replaceAll('","', '",\n  "').replace('[', '[\n  ').replace(/]$/, ',\n]')};

/** Unihan kTotalStrokes, as runs [firstCodePoint, one char per code point: ' ' none, else 0x20 + strokes]. */
export const UNIHAN_TOTAL_STROKES: readonly (readonly [number, string])[] = [
${runs.map(([cp, s]) => `  [0x${cp.toString(16)}, ${JSON.stringify(s)}],`).join('\n')}
];
`;
writeFileSync(join(root, 'src/collation/stroke-data.ts'), out);

// --- coverage fixture: the 8,105 characters of 通用规范汉字表 (Unihan kTGH), in table order ---
const fixtureDir = join(root, 'tests/unit/collation-fixtures');
mkdirSync(fixtureDir, { recursive: true });
writeFileSync(
  join(fixtureDir, 'tongyong-guifan-8105.txt'),
  `# 通用规范汉字表 (2013), ${tgh.length} characters in table order, from Unihan ${unihanVersion} kTGH\n` +
    tgh.map((t) => t.char).join('') + '\n',
);
const pct = (a: { compared: number; same: number }) => `${a.same}/${a.compared} (${((100 * a.same) / a.compared).toFixed(2)}%)`;
console.log(
  `stroke-data.ts: ${entries.length} ranked characters (max ${maxStrokes} strokes): ${cncharShapes.size} from cnchar-order, ` +
    `${fromRime} class-only from rime-data-stroke ${rimeDebVersion} (${fromRimeByRadical} by the kRSUnicode count; ` +
    `${rimeCodes.size} characters in the table, ${rimeMalformed} malformed lines skipped); ` +
    `${totalStrokes.size} Unihan totals in ${runs.length} runs; fixture: ${tgh.length} characters\n` +
    `five-class agreement cnchar-order vs rime-data-stroke: 通用规范汉字表 ${pct(agreement.tgh)}, all shared ${pct(agreement.all)}\n` +
    `IDS (${idsOf.size} lines): ${fromIds} 通用规范汉字表 characters derived (${fromIdsByRadical} by the kRSUnicode count); rejected (length ≠ Unihan count): ${idsRejected.join(', ') || 'none'}\n` +
    `IDS cross-check vs cnchar-order: ${pct(idsCheck)} (${idsCheck.underived} not derivable); differing: ${idsCheck.differing.join('; ') || 'none'}; ` +
    `vs rime-data-stroke (sample characters cnchar-order lacks): ${pct(idsCheckRime)}`,
);
