import { describe, expect, it } from 'vitest';
import { parseCandidateLines } from '../../src/web/candidate-lines.ts';

describe('parseCandidateLines (the secretary’s list with 现任职务 / 拟任职务)', () => {
  it('reads one candidate per line: name, current post, proposed post, separated by spaces', () => {
    expect(parseCandidateLines('张三 县财政局副局长 县财政局局长\n李四　某镇党委书记\n\n王五\n')).toEqual({
      candidates: [
        { name: '张三', currentPost: '县财政局副局长', proposedPost: '县财政局局长' },
        { name: '李四', currentPost: '某镇党委书记' },
        { name: '王五' },
      ],
      badLines: [],
    });
  });

  it('reads table columns copied from Word or Excel: tabs separate, posts keep their spaces, an empty column is no post', () => {
    expect(parseCandidateLines('张三\t县委常委 副县长\t县委副书记\r\n李四\t\t县财政局局长\n王　毅\t县发改委主任\t\n')).toEqual({
      candidates: [
        { name: '张三', currentPost: '县委常委 副县长', proposedPost: '县委副书记' },
        { name: '李四', proposedPost: '县财政局局长' },
        { name: '王毅', currentPost: '县发改委主任' },
      ],
      badLines: [],
    });
  });

  it('keeps a two-character name padded with a space as one name', () => {
    expect(parseCandidateLines('王　毅 县发改委主任 县财政局局长').candidates).toEqual([
      { name: '王毅', currentPost: '县发改委主任', proposedPost: '县财政局局长' },
    ]);
  });

  it('names the lines that are not one candidate: more than three columns, or two names in the first', () => {
    expect(parseCandidateLines('张三 县委常委 副县长 县委副书记\n李四 局长\n王五、赵六\t局长').badLines).toEqual([1, 3]);
  });
});
