// The secretary's candidate list with posts (issue 11): one candidate per line,
// 姓名 现任职务 拟任职务. Columns are separated by tabs when the line has any (a table copied from
// Word or Excel: posts may then hold spaces), else by spaces (typed by hand). 拟任职务 may be left
// out (it is the item's post); 现任职务 too. A two-character name padded with a space (王　毅)
// stays one name, as in the names-only list. Pure, for the page and its tests.
import { parseNameList } from '../collation/index.ts';

export interface CandidateLine {
  name: string;
  currentPost?: string;
  proposedPost?: string;
}

export interface CandidateLines {
  candidates: CandidateLine[];
  /** 1-based numbers of lines that are not one candidate (too many columns, or no single name). */
  badLines: number[];
}

const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/u;
const SINGLE_HAN = /^\p{Script=Han}$/u;

export function parseCandidateLines(text: string): CandidateLines {
  const candidates: CandidateLine[] = [];
  const badLines: number[] = [];
  text
    .replace(/^\ufeff/u, '')
    .split(LINE_BREAK)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let columns: string[];
      if (line.includes('\t')) {
        columns = line.split('\t').map((c) => c.trim());
        while (columns.length > 0 && columns.at(-1) === '') columns.pop();
      } else {
        columns = line.trim().split(/\s+/u);
        // 王　毅 县财政局副局长: the first two single characters are one padded name.
        if (columns.length >= 2 && SINGLE_HAN.test(columns[0]!) && SINGLE_HAN.test(columns[1]!)) columns.splice(0, 2, columns[0]! + columns[1]!);
      }
      const names = parseNameList(columns[0] ?? '');
      if (columns.length > 3 || names.length !== 1) {
        badLines.push(i + 1);
        return;
      }
      const c: CandidateLine = { name: names[0]! };
      if (columns[1]) c.currentPost = columns[1];
      if (columns[2]) c.proposedPost = columns[2];
      candidates.push(c);
    });
  return { candidates, badLines };
}
