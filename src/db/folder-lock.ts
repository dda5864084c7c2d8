// The embedded database belongs to one process at a time. PGlite reads its folder into memory
// when it opens and writes it back as it goes, with no lock of its own, so a second process on
// the same folder (say `piaojue admin bootstrap` while `npm start` runs) would see a copy the
// first never reads back, and the two would overwrite each other's files.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class DataFolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the embedded database in ${dataDir} is in use by another piaojue process (pid ${pid})`);
    this.name = 'DataFolderInUseError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dataDir>/piaojue.lock` for this process, or throws DataFolderInUseError naming the
 * process that holds it. A lock left by a process that has died (killed, crashed) is taken over.
 * Returns the release function.
 */
export async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, 'piaojue.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        // Only our own lock: never remove one a later process has taken over.
        if ((await holder(file)) === process.pid) await rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = await holder(file);
      if (pid !== undefined && alive(pid)) throw new DataFolderInUseError(dataDir, pid);
      await rm(file, { force: true });
    }
  }
  throw new DataFolderInUseError(dataDir, (await holder(file)) ?? 0);
}

async function holder(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
