// The protocol core — and everything it imports, src/collation included since the verifier
// checks stroke order — stays pure and isomorphic: no node: modules, no database, network or
// server libraries, no clock. Followed through the import graph from each protocol module.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../src/protocol');
const FORBIDDEN_PACKAGES = /^(node:|pg$|pg\/|express|@electric-sql\/|fs$|path$|crypto$|os$|worker_threads$|http)/;
const CLOCK = /\bDate\.now\(|\bnew Date\(|\bperformance\.now\(/;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1]!,
  );
}

function reach(entries: string[]): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else packages.set(spec, file);
    }
  }
  return { files, packages };
}

describe('the protocol core', () => {
  const entries = [
    ...readdirSync(root)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(root, f)),
    ...readdirSync(join(root, 'verify')).map((f) => join(root, 'verify', f)),
  ];
  const { files, packages } = reach(entries);

  it('reaches src/collation (the verifier checks stroke order) and nothing outside src/protocol, src/collation and src/errors.ts', () => {
    const src = resolve(root, '..');
    const outside = [...files].map((f) => f.slice(src.length + 1)).filter((f) => !/^(protocol\/|collation\/|errors\.ts$)/.test(f));
    expect(outside).toEqual([]);
    expect([...files].some((f) => f.includes('/collation/'))).toBe(true);
  });

  it('imports no node: module and no database, network or server library', () => {
    expect([...packages].filter(([spec]) => FORBIDDEN_PACKAGES.test(spec))).toEqual([]);
  });

  it('reads no clock', () => {
    expect([...files].filter((f) => CLOCK.test(readFileSync(f, 'utf8')))).toEqual([]);
  });
});
