// The service's SQL names the columns it reads: a `SELECT *` would load whatever a later
// migration adds (the sealed vote secret once was) into rows the routes handle.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('the service SQL', () => {
  it('never selects or returns every column (SELECT *, RETURNING *, alias.*)', async () => {
    const found: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (/\b(SELECT|RETURNING)\s+(\w+\.)?\*/i.test(line) || /,\s*\w+\.\*\s/.test(line)) found.push(`${file.slice(SRC.length)}:${i + 1}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('reads the sealed vote secret in one query per kind of token holder, each called only where tokens are signed', async () => {
    const readers: string[] = [];
    const callers: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const text = await readFile(file, 'utf8');
      const selects = text.match(/SELECT[^`']*secret_key_sealed/g) ?? [];
      if (selects.length > 0) readers.push(`${file.slice(SRC.length)} (${selects.length})`);
      for (const reader of ['readTokenRequest', 'slipTokenContext']) {
        if (new RegExp(`\\b${reader}\\(`).test(text) && !new RegExp(`function ${reader}\\(`).test(text)) callers.push(`${file.slice(SRC.length)} ${reader}`);
      }
    }
    expect(readers.sort()).toEqual(['participants/queries.ts (1)', 'votes/queries.ts (1)']);
    // issueToken (members) and the slip's token issuance (participants) are where tokens are signed.
    expect(callers.sort()).toEqual(['participants/service.ts slipTokenContext', 'votes/service.ts readTokenRequest']);
  });
});
