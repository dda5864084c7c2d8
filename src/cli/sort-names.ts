// `piaojue sort-names [--convention surname|fullname] [FILE]`: one name per line from FILE or
// standard input, printed in stroke order. Streams and file reading are injectable for tests.
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { z } from 'zod';
import { CONVENTIONS, sortNames } from '../collation/index.ts';

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

/** Parses the input: one name per line, whitespace trimmed, blank lines (and a BOM) ignored. */
export function parseNameLines(text: string): string[] {
  return text
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export function sortNamesCommand(io: Partial<SortNamesIo> = {}): Command {
  const { stdin = process.stdin, stdout = process.stdout, stderr = process.stderr } = io;
  const read = io.readFile ?? ((path: string) => readFile(path, 'utf8'));
  const command = new Command('sort-names')
    .description('Sort names in surname stroke order (姓氏笔画), one name per line')
    .option('--convention <convention>', 'surname (姓氏笔画: single-character given names first) or fullname (姓名笔划)', 'surname')
    .argument('[file]', 'file with one name per line (default: standard input)')
    .configureOutput({ writeOut: (s) => void stdout.write(s), writeErr: (s) => void stderr.write(s) })
    .action(async (file: string | undefined, options: { convention: string }) => {
      const convention = conventionSchema.safeParse(options.convention);
      if (!convention.success) {
        command.error(
          `error: --convention must be one of ${CONVENTIONS.join(', ')} (got ${JSON.stringify(options.convention)})`,
          { exitCode: 2, code: 'piaojue.invalidConvention' },
        );
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
      const result = sortNames(parseNameLines(text), convention.data);
      stdout.write(result.names.map((n) => `${n}\n`).join(''));
      if (result.unknownCharacters.length > 0) {
        const listed = result.unknownCharacters
          .map((c) => `${c} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`)
          .join(', ');
        stderr.write(
          `warning: no stroke-order data for ${listed}; sorted by Unihan total strokes, then code point\n`,
        );
      }
    });
  return command;
}
