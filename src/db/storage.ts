// Room on the disk of the embedded database. PGlite on a full disk fails every write (and,
// starting, dies with a bare WebAssembly abort): readiness and start-up check first.
import { open, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1 << 20;
/** What readiness asks for: room for a few pages and a WAL record or two, actually written. */
export const READY_PROBE_BYTES = MiB / 4;
/** What a first start needs: PGlite writes a new cluster of about 40 MiB. */
export const FIRST_START_BYTES = 64 * MiB;

export interface StorageState {
  ok: boolean;
  freeBytes: number | undefined;
  /** The errno of a failed probe write (ENOSPC, EDQUOT, EROFS…). */
  error?: string;
}

/**
 * Writes, syncs and deletes a probe file of `probeBytes` in `dir`, and reads the free space:
 * ok when the write succeeds and at least `needBytes` are free.
 */
export async function checkStorage(dir: string, probeBytes = READY_PROBE_BYTES, needBytes = probeBytes): Promise<StorageState> {
  let freeBytes: number | undefined;
  try {
    const s = await statfs(dir);
    freeBytes = s.bavail * s.bsize;
  } catch {
    // unknown; the probe decides
  }
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    const h = await open(probe, 'w', 0o600);
    try {
      await h.write(Buffer.alloc(probeBytes));
      await h.sync();
    } finally {
      await h.close();
    }
  } catch (e) {
    return { ok: false, freeBytes, error: (e as NodeJS.ErrnoException).code ?? String(e) };
  } finally {
    await unlink(probe).catch(() => undefined);
  }
  return { ok: freeBytes === undefined || freeBytes >= needBytes, freeBytes };
}

export const formatBytes = (n: number | undefined) => (n === undefined ? 'an unknown amount' : n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : `${n} bytes`);
