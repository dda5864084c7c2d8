// The API client (src/client) runs in the browser as well as in Node: following its value
// imports (type-only imports are erased), it reaches no node: module and no server library.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../src');
const FORBIDDEN = /^(node:|pg$|pg\/|express|@electric-sql\/|fs$|path$|crypto$|os$|worker_threads$|http)/;

function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
}

describe('the API client', () => {
  it('imports nothing Node-only or server-side, directly or through what it imports', () => {
    const todo = readdirSync(join(src, 'client'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(src, 'client', f));
    const seen = new Set<string>();
    const bad: string[] = [];
    while (todo.length > 0) {
      const file = todo.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of valueImports(file)) {
        if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
        else if (FORBIDDEN.test(spec)) bad.push(`${file.slice(src.length + 1)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
    const reached = [...seen].map((f) => f.slice(src.length + 1));
    expect(reached.filter((f) => !/^(client\/|protocol\/|collation\/|errors\.ts$)/.test(f))).toEqual([]);
  });
});
