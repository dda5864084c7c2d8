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

// 通用规范汉字表 lists each of its three levels (1–3500, 3501–6500, 6501–8105) by stroke count, then
// stroke order (横竖撇点折), so a character's place in its level bounds its mainland sequence. Where
// Unihan 15.0's count is not the mainland one for other reasons (a few Ext A–E characters are counted
// with Taiwan component forms, 艹 4, 阝 3, 辶 4, 延 7, or as radical character + residual: 䓖 = 艸 6 +
// 7 = 13 for ⿱艹穷), the table position is the check: a sequence fits if, keyed (stroke count, five
// classes), it sorts between the nearest characters before and after it in the same level that
// cnchar-order has. Checked on cnchar-order's own characters below (tablePositionCheck).
const tghPosition = new Map(tgh.map((t, i) => [t.char, i]));
const TGH_LEVEL_ENDS = [3500, 6500, 8105];
const strokeKey = (classes: string): string => `${String(classes.length).padStart(2, '0')}${classes}`;
function tableNeighbours(char: string): [string, string] | undefined {
  const i = tghPosition.get(char);
  if (i === undefined || tgh.length !== 8105) return undefined;
  const end = TGH_LEVEL_ENDS.find((e) => i < e)!;
  const start = end === 3500 ? 0 : end === 6500 ? 3500 : 6500;
  let before: string | undefined;
  let after: string | undefined;
  for (let j = i - 1; j >= start && before === undefined; j--) before = cncharShapes.get(tgh[j]!.char);
  for (let j = i + 1; j < end && after === undefined; j++) after = cncharShapes.get(tgh[j]!.char);
  return before === undefined || after === undefined ? undefined : [strokeClasses(before), strokeClasses(after)];
}
function fitsTablePosition(char: string, classes: string): boolean {
  const n = tableNeighbours(char);
  return n !== undefined && strokeKey(n[0]) <= strokeKey(classes) && strokeKey(classes) <= strokeKey(n[1]);
}
const tablePositionCheck = { compared: 0, same: 0 };
for (const { char } of tgh) {
  const shapes = cncharShapes.get(char);
  if (shapes === undefined || tableNeighbours(char) === undefined) continue;
  tablePositionCheck.compared++;
  if (fitsTablePosition(char, strokeClasses(shapes))) tablePositionCheck.same++;
}

/**
 * One code per character: among the character's codes, those whose length is the mainland
 * stroke count (Unihan kTotalStrokes, first value; else, for a simplified radical, radical +
 * residual strokes from kRSUnicode); of several, the mainland section's before the Taiwan
 * section's, then the first listed. None fits: no code. With `byTablePosition` (the last stage,
 * for 通用规范汉字表 characters still unknown), the codes that fit the character's place in the
 * table instead, again mainland section first.
 */
function pickRimeCode(char: string, byTablePosition = false): { classes: string; mainland: boolean } | undefined {
  const codes = rimeCodes.get(char) ?? [];
  const cp = char.codePointAt(0)!;
  const checks = byTablePosition
    ? [(c: string) => fitsTablePosition(char, c)]
    : [(c: string) => c.length === totalStrokes.get(cp), (c: string) => c.length === simplifiedRadicalCount(cp)];
  for (const fits of checks) {
    const fitting = codes.filter((c) => fits(c.classes));
    if (fitting.length > 0) return fitting.find((c) => c.mainland) ?? fitting[0];
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
  if (seen.has(char)) return undefined;
  if (ids === undefined || ids === char) return leadingComponent(char, new Set([...seen, char]));
  return deriveFromIds(ids, new Set([...seen, char]));
}
/**
 * A component with neither data nor a line of its own (𭕄, the top of 学) that heads ⿰ ⿱ ⿲ ⿳ lines
 * of characters whose sequence is known: the character's classes less the other parts' (which must
 * end them). Every such line, the characters being derived left out, must give the same answer.
 */
function leadingComponent(component: string, seen: ReadonlySet<string>): string | undefined {
  const answers = new Set<string>();
  for (const [char, ids] of idsOf) {
    const whole = seen.has(char) ? undefined : knownClasses(char);
    const tree = whole === undefined ? undefined : parseIds(ids);
    if (tree === undefined || 'leaf' in tree || !'⿰⿱⿲⿳'.includes(tree.idc)) continue;
    const [first, ...rest] = tree.parts;
    if (!('leaf' in first!) || first.leaf !== component) continue;
    const restClasses = rest.map((n) => deriveFromIds(idsString(n), new Set([...seen, char])));
    if (restClasses.some((r) => r === undefined)) continue;
    const tail = restClasses.join('');
    if (whole!.length > tail.length && whole!.endsWith(tail)) answers.add(whole!.slice(0, whole!.length - tail.length));
    else return undefined;
  }
  return answers.size === 1 ? [...answers][0] : undefined;
}
function idsString(n: IdsNode): string {
  return 'leaf' in n ? n.leaf : n.idc + n.parts.map(idsString).join('');
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
const fromIdsByPosition: string[] = [];
const idsRejected: string[] = [];
const known = new Set(entries.map((e) => e.char));
for (const { char } of tgh) {
  if (known.has(char)) continue;
  const derived = deriveCharacter(char);
  if (derived === undefined) continue;
  // The checks of pickRimeCode: Unihan's count, else (simplified radical) radical + residual, else
  // the character's place in 通用规范汉字表.
  const cp = char.codePointAt(0)!;
  if (derived.length === totalStrokes.get(cp)) { /* Unihan's count */ }
  else if (derived.length === simplifiedRadicalCount(cp)) fromIdsByRadical++;
  else if (fitsTablePosition(char, derived)) fromIdsByPosition.push(char);
  else {
    idsRejected.push(`${char} ${derived.length} (Unihan ${totalStrokes.get(cp)}, not at its table position)`);
    continue;
  }
  entries.push({ char, shapes: derived });
  fromIds++;
}
// Last stage: a 通用规范汉字表 character still unknown takes the Rime code that fits its place in the
// table. (After IDS, whose sequences are built from cnchar-order's components: where both fit by
// position, they agree but for one slip in Rime's code, printed below.)
const fromRimeByPosition: string[] = [];
const knownAfterIds = new Set(entries.map((e) => e.char));
for (const { char } of tgh) {
  if (knownAfterIds.has(char)) continue;
  const picked = pickRimeCode(char, true);
  if (picked === undefined) continue;
  entries.push({ char, shapes: picked.classes });
  fromRimeByPosition.push(char);
}
// The Rime codes that fit by table position, against the IDS derivation of the same characters.
const positionCheck = { compared: 0, same: 0, differing: [] as string[] };
for (const { char } of tgh) {
  if (cncharShapes.has(char) || pickRimeCode(char) !== undefined) continue;
  const code = pickRimeCode(char, true)?.classes;
  const derived = deriveCharacter(char);
  if (code === undefined || derived === undefined || !fitsTablePosition(char, derived)) continue;
  positionCheck.compared++;
  if (code === derived) positionCheck.same++;
  else positionCheck.differing.push(`${char} ${code}/${derived}`);
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
    characters: ${fromRime + fromRimeByPosition.length}, byTablePosition: ${fromRimeByPosition.length},
    agreement: { tongyongGuifan: ${JSON.stringify(agreement.tgh).replaceAll('"', '')}, all: ${JSON.stringify(agreement.all).replaceAll('"', '')} },
  },
  /** Five-class sequences derived from IDS lines (src/collation/ids-supplement.txt) for 通用规范汉字表 characters neither source has; \`crossCheck\`: derived vs cnchar-order. */
  idsDerived: {
    data: 'cjkvi-ids (ids-ext-cde.txt, ids.txt)', licence: 'GPL-2.0', characters: ${fromIds}, byTablePosition: ${fromIdsByPosition.length},
    crossCheck: { compared: ${idsCheck.compared}, same: ${idsCheck.same} },
    crossCheckRime: { compared: ${idsCheckRime.compared}, same: ${idsCheckRime.same} },
  },
  /** The 通用规范汉字表 position check (a sequence sorts between its nearest cnchar-order neighbours in its level), on cnchar-order's own characters. */
  tablePositionCheck: { compared: ${tablePositionCheck.compared}, same: ${tablePositionCheck.same} },
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
const fixtureDir = join(root, 'tests/fixtures');
mkdirSync(fixtureDir, { recursive: true });
writeFileSync(
  join(fixtureDir, 'tongyong-guifan-8105.txt'),
  `# 通用规范汉字表 (2013), ${tgh.length} characters in table order, from Unihan ${unihanVersion} kTGH\n` +
    tgh.map((t) => t.char).join('') + '\n',
);
const pct = (a: { compared: number; same: number }) => `${a.same}/${a.compared} (${((100 * a.same) / a.compared).toFixed(2)}%)`;
console.log(
  `stroke-data.ts: ${entries.length} ranked characters (max ${maxStrokes} strokes): ${cncharShapes.size} from cnchar-order, ` +
    `${fromRime + fromRimeByPosition.length} class-only from rime-data-stroke ${rimeDebVersion} (${fromRimeByRadical} by the kRSUnicode count, ` +
    `${fromRimeByPosition.length} by table position: ${fromRimeByPosition.join(' ')}; ` +
    `${rimeCodes.size} characters in the table, ${rimeMalformed} malformed lines skipped); ` +
    `${totalStrokes.size} Unihan totals in ${runs.length} runs; fixture: ${tgh.length} characters\n` +
    `five-class agreement cnchar-order vs rime-data-stroke: 通用规范汉字表 ${pct(agreement.tgh)}, all shared ${pct(agreement.all)}\n` +
    `table position check on cnchar-order's own 通用规范汉字表 characters: ${pct(tablePositionCheck)}\n` +
    `Rime codes fitting by table position vs IDS derivation: ${pct(positionCheck)}; differing: ${positionCheck.differing.join('; ') || 'none'}\n` +
    `IDS (${idsOf.size} lines): ${fromIds} 通用规范汉字表 characters derived (${fromIdsByRadical} by the kRSUnicode count, ` +
    `${fromIdsByPosition.length} by table position: ${fromIdsByPosition.join(' ')}); rejected: ${idsRejected.join(', ') || 'none'}\n` +
    `IDS cross-check vs cnchar-order: ${pct(idsCheck)} (${idsCheck.underived} not derivable); differing: ${idsCheck.differing.join('; ') || 'none'}; ` +
    `vs rime-data-stroke (sample characters cnchar-order lacks): ${pct(idsCheckRime)}`,
);
