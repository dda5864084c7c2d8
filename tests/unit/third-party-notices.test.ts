import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, renderDependencies, runtimeDependencies, withSection } from '../../scripts/third-party-notices.ts';

const root = join(import.meta.dirname, '../..');
const notices = readFileSync(join(root, 'THIRD_PARTY_NOTICES'), 'utf8');

describe('THIRD_PARTY_NOTICES', () => {
  it('lists exactly the installed run-time npm dependencies with their declared licences (regenerate: npx tsx scripts/third-party-notices.ts)', () => {
    const section = renderDependencies(runtimeDependencies(root));
    expect(notices.slice(notices.indexOf(BEGIN), notices.indexOf(END) + END.length)).toBe(section);
    expect(withSection(notices, section)).toBe(notices);
  });
  it('lists every direct dependency of package.json and no devDependency', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const listed = new Set(runtimeDependencies(root).map((d) => d.name));
    expect(Object.keys(pkg.dependencies).filter((d) => !listed.has(d))).toEqual([]);
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => listed.has(d));
    // A devDependency may appear only if a run-time package pulls it in too (none does today).
    expect(devOnly).toEqual([]);
  });
  it('finds no run-time dependency without a declared licence or under a copyleft licence', () => {
    const licences = new Set(runtimeDependencies(root).map((d) => d.license));
    expect([...licences].filter((l) => l === 'UNKNOWN' || /GPL|AGPL|SSPL|EUPL|CC-BY-SA/i.test(l))).toEqual([]);
  });
  it('names the data the stroke table is built from and carries no GPL data file any more', () => {
    for (const source of ['cnchar-order', 'rime-data-stroke', 'Unihan', 'CJK Decomposition Data', 'hanzi']) expect(notices).toContain(source);
    const header = readFileSync(join(root, 'src/collation/stroke-data.ts'), 'utf8').split('\n')[0];
    expect(header).toBe('// SPDX-License-Identifier: Apache-2.0 AND MIT AND LGPL-3.0-only AND Unicode-DFS-2016');
    expect(readFileSync(join(root, 'tests/fixtures/tongyong-guifan-8105.txt'), 'utf8').split('\n')[0]).toBe('# SPDX-License-Identifier: Unicode-DFS-2016');
    expect(() => readFileSync(join(root, 'src/collation/ids-supplement.txt'))).toThrow();
  });
});
