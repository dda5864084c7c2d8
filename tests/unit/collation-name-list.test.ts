import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { duplicateNames, parseNameList, readNameList } from '../../src/collation/index.ts';

describe('parseNameList: one name list parser for the CLI, the secretary page and the admin page', () => {
  it('reads one name per line, trimming and skipping blank lines, a BOM and any line-break style', () => {
    expect(parseNameList('\ufeff  王小洪 \n\n万立骏\r\n王毅\r丁薛祥\u2028李强\n   \n')).toEqual(['王小洪', '万立骏', '王毅', '丁薛祥', '李强']);
  });
  it('also splits a line on 、 ， , ； ;', () => {
    expect(parseNameList('王毅、王小洪，丁薛祥,李强；赵乐际;蔡奇')).toEqual(['王毅', '王小洪', '丁薛祥', '李强', '赵乐际', '蔡奇']);
  });
  it('splits Chinese names on whitespace, including the ideographic space', () => {
    expect(parseNameList('丁学东 丁薛祥\t万立骏　习近平')).toEqual(['丁学东', '丁薛祥', '万立骏', '习近平']);
  });
  it('keeps a Latin-script name with its spaces as one name, reduced to single spaces', () => {
    expect(parseNameList('Wang Yi\n  Mary   Ann  Smith ')).toEqual(['Wang Yi', 'Mary Ann Smith']);
  });
  it('needs a comma or 、 between Latin-script names on one line', () => {
    expect(parseNameList('Wang Yi, Li Qiang、Zhao Leji')).toEqual(['Wang Yi', 'Li Qiang', 'Zhao Leji']);
    expect(parseNameList('Wang Yi Li Qiang')).toEqual(['Wang Yi Li Qiang']);
  });
  it('separates a Chinese name from a Latin-script one by whitespace', () => {
    expect(parseNameList('张三 John Smith 李四')).toEqual(['张三', 'John Smith', '李四']);
  });
  it('reads the padded two-character names of printed lists as one name (王　宁　王　凯 → 王宁, 王凯)', () => {
    expect(parseNameList('马晓伟　王　宁　王　凯　王小洪')).toEqual(['马晓伟', '王宁', '王凯', '王小洪']);
    expect(parseNameList('王　毅')).toEqual(['王毅']);
  });
  it('keeps a leftover single character as a name of its own', () => {
    expect(parseNameList('王 宁 李')).toEqual(['王宁', '李']);
    expect(parseNameList('欧阳 明')).toEqual(['欧阳', '明']);
  });
  it('drops the spaces around the dot of a transliterated name', () => {
    expect(parseNameList('买买提 · 艾力  巴·特尔')).toEqual(['买买提·艾力', '巴·特尔']);
  });
  it('returns nothing for blank input', () => {
    expect(parseNameList('')).toEqual([]);
    expect(parseNameList(' \n、,\n　')).toEqual([]);
  });
  it('reads a mixed paste with full-width separators, the middle dot, blank lines and a duplicate', () => {
    const pasted = '王　毅、Wang Yi\n\n丁薛祥 李强；买买提 · 艾力，王毅\r\n  \n巴·特尔;李强\n';
    expect(readNameList(pasted)).toEqual({
      names: ['王毅', 'Wang Yi', '丁薛祥', '李强', '买买提·艾力', '王毅', '巴·特尔', '李强'],
      duplicates: ['王毅', '李强'],
    });
  });
  it('is the parser of the CLI, the secretary page (committee candidates and the meetings’ pasted lists) and the admin page (no second parser in them)', () => {
    const files = [
      'src/cli/sort-names.ts',
      'src/web/pages/secretary/candidate-preview.ts',
      'src/web/pages/secretary/shaped-input.ts',
      'src/web/pages/admin/roster.ts',
    ];
    for (const file of files) {
      const text = readFileSync(resolve(import.meta.dirname, '../..', file), 'utf8');
      expect(text, file).toMatch(/parseNameList\(/u);
      expect(text, file).not.toMatch(/function parseNames|function parseNameLines/u);
    }
  });
});

describe('duplicateNames: names that occur more than once', () => {
  it('reports each repeated name once, in the order of its first occurrence, and keeps the list as it is', () => {
    const names = ['李强', '王毅', 'Wang Yi', '王毅', '李强', '王毅', 'wang yi'];
    expect(duplicateNames(names)).toEqual(['王毅', '李强']);
    expect(names).toEqual(['李强', '王毅', 'Wang Yi', '王毅', '李强', '王毅', 'wang yi']);
  });
  it('reports nothing for a list without repeats or an empty list', () => {
    expect(duplicateNames(['王毅', '王小洪', '巴·特尔'])).toEqual([]);
    expect(duplicateNames([])).toEqual([]);
  });
  it('counts names as parsed, so padding and dot spacing do not hide a duplicate', () => {
    expect(readNameList('王　毅\n王毅\n巴 · 特尔，巴·特尔').duplicates).toEqual(['王毅', '巴·特尔']);
  });
});
