// The layers point one way (issue 13): the domain never reaches into the HTTP layer, the
// protocol core stands alone, and an area's SQL sits in its query module. Read from the source
// with the TypeScript parser, so a comment or a string that looks like an import does not count.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * Areas whose SQL must sit in their `queries.ts` (or in src/db/). Extend this list as each area
 * gets its query module.
 */
const SQL_IN_QUERY_MODULES = ['committees', 'devices', 'meetings', 'votes', 'chain', 'participants', 'composites', 'http', 'collation'];

/** An area's query modules: `queries.ts`, `<part>-queries.ts`, and the chain's store (its appends' statements). */
const isQueryModule = (file: string) => /(^|[-/\\])queries\.ts$/.test(file) || file === join('chain', 'store.ts');

/** May import from src/http/: the HTTP layer itself, and server.ts, which starts it. */
const MAY_IMPORT_HTTP = (file: string) => file.startsWith(`http${sep}`) || file === 'server.ts';

const SQL = /\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/;

interface SourceFile {
  /** Relative to src/. */
  file: string;
  /** What it imports (static, re-exported or dynamic), as written. */
  imports: string[];
  /** The text of every string and template literal. */
  literals: string[];
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await tsFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function parse(path: string, text: string): SourceFile {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  const literals: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      imports.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      imports.push(node.arguments[0].text);
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      literals.push(node.text);
    } else if (ts.isTemplateExpression(node)) {
      literals.push([node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' '));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file: relative(SRC, path), imports, literals };
}

/** The file under src/ a relative import names, or undefined for a package or node: import. */
function target(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(SRC, resolve(dirname(join(SRC, from)), specifier));
}

let files: SourceFile[] = [];

beforeAll(async () => {
  files = await Promise.all((await tsFiles(SRC)).map(async (path) => parse(path, await readFile(path, 'utf8'))));
});

describe('the dependency graph', () => {
  it('has no arrow into src/http/ from outside it (only server.ts starts the HTTP layer)', () => {
    expect(files.length).toBeGreaterThan(50);
    const arrows = files.flatMap((f) =>
      MAY_IMPORT_HTTP(f.file) ? [] : f.imports.filter((i) => target(f.file, i)?.startsWith(`http${sep}`)).map((i) => `${f.file} → ${i}`),
    );
    expect(arrows).toEqual([]);
  });

  // The verifier checks candidates' stroke order with src/collation (protocol/verify/rules.ts):
  // collation is code and data with no I/O, run in the browser as well, so it counts as part of
  // the pure core as long as it too imports nothing else.
  it.each([
    ['protocol', ['protocol', 'collation']],
    ['collation', ['collation']],
  ])('keeps src/%s pure: it imports only %j and no node: module', (dir, allowed) => {
    const inDir = files.filter((f) => f.file.startsWith(`${dir}${sep}`));
    expect(inDir.length).toBeGreaterThan(3);
    const inside = (t: string) => allowed.some((a) => t.startsWith(`${a}${sep}`));
    const arrows = inDir.flatMap((f) =>
      f.imports.filter((i) => i.startsWith('node:') || (target(f.file, i) !== undefined && !inside(target(f.file, i)!))).map((i) => `${f.file} → ${i}`),
    );
    expect(arrows).toEqual([]);
  });
});

describe("each area's SQL", () => {
  it.each(SQL_IN_QUERY_MODULES)('%s/ runs SQL only from its queries.ts', (area) => {
    const inArea = files.filter((f) => f.file.startsWith(`${area}${sep}`));
    expect(inArea.length).toBeGreaterThan(0);
    const stray = inArea.filter((f) => !isQueryModule(f.file) && f.literals.some((l) => SQL.test(l))).map((f) => f.file);
    expect(stray).toEqual([]);
  });

  it('finds SQL where it is (the check is not blind)', () => {
    const committees = files.find((f) => f.file === join('committees', 'queries.ts'))!;
    expect(committees.literals.some((l) => SQL.test(l))).toBe(true);
  });
});
