#!/usr/bin/env node
// The `piaojue` command: the compiled CLI in dist/, which `npm run build` writes (`npm install`
// runs it). Plain Node at run time: no TypeScript loader, no bundler.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error(
    `piaojue: not built (${fileURLToPath(main)} is missing). Run \`npm run build\` in ${fileURLToPath(new URL('..', import.meta.url))} (\`npm install\` runs it).`,
  );
  process.exit(1);
}
await import(main.href);
