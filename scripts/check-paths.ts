// Fails when a tracked file refers to a path outside the repository: a relative path that climbs
// above the repository root from the file that names it (two levels up from bench/, say), or an
// absolute path under the folder that holds the checkout or under a home directory. A clone
// elsewhere has none of these, so whatever reads them would break there.
//   node bin/run-ts.js scripts/check-paths.ts
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const parent = dirname(root);
const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
// Generated or third-party files whose contents are not paths this project reads.
const skipped = new Set(['package-lock.json']);

const absolute = [`${parent}/`, ...['home', 'Users', 'root'].map((d) => `/${d}/`)].filter((p) => p !== '//');
const climbing = /(?<![\w.])((?:\.\.\/)+)[\w.@-]*/g;

const findings: string[] = [];
for (const file of files) {
  if (skipped.has(file)) continue;
  const bytes = readFileSync(join(root, file));
  if (bytes.includes(0)) continue; // binary
  const lines = bytes.toString('utf8').split('\n');
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    for (const prefix of absolute) if (line.includes(prefix)) findings.push(`${where}: absolute path ${prefix}…`);
    for (const m of line.matchAll(climbing)) {
      const target = resolve(root, dirname(file), m[1]!);
      const inside = relative(root, target);
      if (inside.startsWith('..') || inside.split(sep)[0] === '..') findings.push(`${where}: ${m[0]} leaves the repository`);
    }
  });
}

if (findings.length > 0) {
  console.error(`${findings.length} reference(s) to paths outside the repository:\n${findings.map((f) => `  ${f}`).join('\n')}`);
  process.exit(1);
}
console.log(`no tracked file refers to a path outside the repository (${files.length} files checked)`);
