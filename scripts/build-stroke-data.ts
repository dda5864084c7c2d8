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
    `five-class agreement cnchar-order vs rime-data-stroke: 通用规范汉字表 ${pct(agreement.tgh)}, all shared ${pct(agreement.all)}`,
);
