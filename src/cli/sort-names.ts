// `piaojue sort-names [--convention surname|fullname] [FILE]`: names from FILE or standard input
// (one per line; also 、，, and spaces — the one rule of src/collation/name-list.ts), printed one
// per line in stroke order; standard error lists the characters placed without a sequence of
// their own. Streams and file reading are injectable for tests.
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { z } from 'zod';
import { CONVENTIONS, parseNameList, sortNames, type NameFallbacks } from '../collation/index.ts';

export interface SortNamesIo {
  stdin: AsyncIterable<string | Uint8Array>;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  readFile(path: string): Promise<string>;
}

const conventionSchema = z.enum(CONVENTIONS as ['surname', 'fullname']);

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

const BASIS_TEXT = {
  derived: 'derived from its components',
  'count-only': 'Unihan stroke count only',
  unknown: 'unknown (no stroke count)',
} as const;

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One line per name with characters placed without a sequence of their own. */
export function fallbackReport(fallbacks: readonly NameFallbacks[]): string {
  if (fallbacks.length === 0) return '';
  const lines = fallbacks.map(
    ({ index, name, characters }) =>
      `  ${index + 1}. ${name}: ` +
      characters
        .map((c) => `${c.character} (${codePoint(c.character)}) ${BASIS_TEXT[c.basis]}${c.strokes === undefined ? '' : `, ${c.strokes} strokes`}`)
        .join('; '),
  );
  return `note: ${fallbacks.length} name${fallbacks.length > 1 ? 's' : ''} placed without a stroke sequence of their own for some characters; check by hand:\n${lines.join('\n')}\n`;
}

export function sortNamesCommand(io: Partial<SortNamesIo> = {}): Command {
  const { stdin = process.stdin, stdout = process.stdout, stderr = process.stderr } = io;
  const read = io.readFile ?? ((path: string) => readFile(path, 'utf8'));
  const command = new Command('sort-names')
    .description(
      'Sort names in stroke order (姓氏笔画); one name per line, or separated by 、，, or spaces (Latin-script names keep their spaces; separate them with commas)',
    )
    .option('--convention <convention>', 'surname (姓氏笔画: one-character given names first) or fullname (姓名笔划)', 'surname')
    .argument('[file]', 'file with the names (default: standard input)')
    .configureOutput({ writeOut: (s) => void stdout.write(s), writeErr: (s) => void stderr.write(s) })
    .action(async (file: string | undefined, options: { convention: string }) => {
      const convention = conventionSchema.safeParse(options.convention);
      if (!convention.success) {
        command.error(`error: --convention must be one of ${CONVENTIONS.join(', ')} (got ${JSON.stringify(options.convention)})`, {
          exitCode: 2,
          code: 'piaojue.invalidConvention',
        });
        return;
      }
      let text: string;
      try {
        text = file === undefined ? await readAll(stdin) : await read(file);
      } catch (e) {
        command.error(`error: cannot read ${file ?? 'standard input'}: ${(e as Error).message}`, {
          exitCode: 1,
          code: 'piaojue.unreadableInput',
        });
        return;
      }
      const result = sortNames(parseNameList(text), convention.data);
      stdout.write(result.names.map((n) => `${n}\n`).join(''));
      const report = fallbackReport(result.fallbacks);
      if (report !== '') stderr.write(report);
      if (result.unknownCharacters.length > 0) {
        const listed = result.unknownCharacters.map((c) => `${c} (${codePoint(c)})`).join(', ');
        stderr.write(`warning: no stroke-order data for ${listed}; sorted by Unihan total strokes, then code point\n`);
      }
    });
  return command;
}
