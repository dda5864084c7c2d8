// The embedded database's folder holds the WAL (ballot tokens pass through it) and the
// catalog: no other local account may read or write any of it. The folder is created 0700
// under umask 077; PGlite's file layer creates its files 0666 whatever the umask, so the tree
// is tightened after the database opens and after it closes (what it creates in between sits
// in folders nobody else may enter).
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Creates `dir` (and parents) if missing, and makes it 0700. */
export async function privateFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Removes group and other access from every file and folder under `dir`, `dir` included. */
export async function tightenTree(dir: string): Promise<void> {
  const stack = [dir];
  while (stack.length > 0) {
    const p = stack.pop()!;
    let s;
    try {
      s = await lstat(p);
    } catch {
      continue; // removed meanwhile (a WAL segment recycled)
    }
    if (s.isSymbolicLink()) continue;
    if ((s.mode & 0o077) !== 0) await chmod(p, s.mode & 0o700).catch(() => undefined);
    if (s.isDirectory()) for (const e of await readdir(p).catch(() => [] as string[])) stack.push(join(p, e));
  }
}
