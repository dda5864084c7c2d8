// The character-level rule of stroke-order collation (笔画序), as published lists apply it and as
// GB13000.1字符集汉字字序（笔画序）规范 (1999) and GF 2001-2001《GB13000.1字符集汉字折笔规范》 state it.
// Pure and isomorphic. scripts/build-stroke-data.ts sorts every character in the data once with
// `compareCharacterStrokes`; at run time only the resulting rank is used (see stroke-data.ts).

/**
 * Stroke shapes as coded by the `cnchar-order` package (its `dict.strokeTable`), mapped onto
 * the five main stroke classes: 1 横 (with 提), 2 竖 (with 竖钩), 3 撇, 4 点 (with 捺), 5 折.
 * `detail` orders a class's own shapes for the third tie-break: the main shape before its
 * attached shapes (横 < 提, 竖 < 竖钩, 点 < 左点 < 捺), and the turning strokes in the order
 * GF 2001-2001 lists them (横折, 横撇/横钩, 横折钩, 横折提, 横折弯/横折折, 横斜钩, 横撇弯钩/
 * 横折折折钩, 横折折撇, 横折折折, 竖提, 竖折/竖弯, 竖弯钩, 竖折撇/竖折折, 竖折折钩, 撇点,
 * 撇折, 斜钩/卧钩, 弯钩). The package merges some shapes under one letter (e.g. 横撇 and 横钩
 * are both `e`), so those pairs cannot be told apart here.
 */
export const STROKE_SHAPES: Readonly<Record<string, { cls: 1 | 2 | 3 | 4 | 5; detail: number }>> = {
  j: { cls: 1, detail: 0 }, // 横
  i: { cls: 1, detail: 1 }, // 提
  f: { cls: 2, detail: 0 }, // 竖
  g: { cls: 2, detail: 1 }, // 竖钩
  s: { cls: 3, detail: 0 }, // 撇
  k: { cls: 4, detail: 0 }, // 点
  d: { cls: 4, detail: 1 }, // 点 (左点, written as a rising dot: 心, 火, 宀)
  l: { cls: 4, detail: 2 }, // 捺
  c: { cls: 5, detail: 0 }, // 横折
  e: { cls: 5, detail: 1 }, // 横撇 | 横钩
  r: { cls: 5, detail: 2 }, // 横折钩
  p: { cls: 5, detail: 3 }, // 横折提
  v: { cls: 5, detail: 4 }, // 横折折 | 横折弯
  o: { cls: 5, detail: 5 }, // 横斜钩 (横折弯钩)
  w: { cls: 5, detail: 6 }, // 横撇弯钩 | 横折折折钩
  a: { cls: 5, detail: 7 }, // 横折折撇
  q: { cls: 5, detail: 8 }, // 横折折折
  h: { cls: 5, detail: 9 }, // 竖提
  b: { cls: 5, detail: 10 }, // 竖弯 (竖折)
  u: { cls: 5, detail: 11 }, // 竖弯钩
  x: { cls: 5, detail: 12 }, // 竖折撇 | 竖折折
  z: { cls: 5, detail: 13 }, // 竖折折钩
  m: { cls: 5, detail: 14 }, // 撇点
  n: { cls: 5, detail: 15 }, // 撇折
  y: { cls: 5, detail: 16 }, // 斜钩 | 卧钩
  t: { cls: 5, detail: 17 }, // 弯钩
};

/**
 * A code made only of the class digits 1–5 is a class-only sequence: the second data source
 * (Rime's 五筆畫 table, see scripts/build-stroke-data.ts) gives the five classes of each stroke
 * but not the exact shape.
 */
export function isClassOnly(codes: string): boolean {
  return /^[1-5]+$/.test(codes);
}

/** A character's strokes as the digits 1–5 of the five classes, e.g. 于 → "112", 万 → "153". */
export function strokeClasses(shapeCodes: string): string {
  if (isClassOnly(shapeCodes)) return shapeCodes;
  let out = '';
  for (const code of shapeCodes) {
    const shape = STROKE_SHAPES[code];
    if (shape === undefined) throw new RangeError(`unknown stroke shape code ${JSON.stringify(code)}`);
    out += String(shape.cls);
  }
  return out;
}

function strokeDetails(shapeCodes: string): number[] {
  return [...shapeCodes].map((code) => STROKE_SHAPES[code]?.detail ?? 0);
}

/**
 * Orders two characters given their stroke codes (shape letters, or class digits for a
 * class-only sequence):
 *  1. total strokes, fewer first;
 *  2. the stroke classes in writing order, stroke by stroke, 横 < 竖 < 撇 < 点 < 折;
 *  3. at the first stroke whose exact shape differs, the shape order above (主笔形 before 附笔形,
 *     折笔 in GF 2001-2001 order). A class-only sequence has no shapes to compare: it comes
 *     after every character of the same class sequence whose shapes are known (as characters
 *     without any sequence come after the known ones of their stroke count), and class-only
 *     characters among themselves go straight to 4. — comparing shapes only where both sides
 *     have them would not be a total order;
 *  4. the code point (the standard's last key is the character's position in GB 13000.1, which
 *     for the CJK Unified Ideographs is code point order).
 * The standard puts a structure key (左右, 上下, 包围, 独体) before 4.; the data carries no
 * structure information, so that key is not applied.
 */
export function compareCharacterStrokes(a: { char: string; shapes: string }, b: { char: string; shapes: string }): number {
  if (a.shapes.length !== b.shapes.length) return a.shapes.length - b.shapes.length;
  const ca = strokeClasses(a.shapes);
  const cb = strokeClasses(b.shapes);
  if (ca !== cb) return ca < cb ? -1 : 1;
  const oa = isClassOnly(a.shapes);
  const ob = isClassOnly(b.shapes);
  if (oa !== ob) return oa ? 1 : -1;
  if (!oa) {
    const da = strokeDetails(a.shapes);
    const db = strokeDetails(b.shapes);
    for (let i = 0; i < da.length; i++) {
      const d = (da[i] ?? 0) - (db[i] ?? 0);
      if (d !== 0) return d;
    }
  }
  return (a.char.codePointAt(0) ?? 0) - (b.char.codePointAt(0) ?? 0);
}
