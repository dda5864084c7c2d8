import { describe, expect, it } from 'vitest';
import { parseNameList } from '../../src/collation/index.ts';
import { parseNames } from '../../src/web/pages/secretary.ts';
import { parseNameLines } from '../../src/web/pages/admin.ts';

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
  it('is the parser of the secretary page and of the admin page', () => {
    const pasted = '王　毅、Wang Yi\n丁薛祥 李强\n';
    expect(parseNames(pasted)).toEqual(parseNameList(pasted));
    expect(parseNameLines(pasted)).toEqual(parseNameList(pasted));
    expect(parseNameList(pasted)).toEqual(['王毅', 'Wang Yi', '丁薛祥', '李强']);
  });
});
