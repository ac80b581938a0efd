import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Written last into a cache entry: an entry without it is an interrupted copy, never used. */
export const COMPLETE_MARKER = '.complete';

/** Whether `entry` was published whole (its marker is there). */
export async function isComplete(entry: string): Promise<boolean> {
  return fs
    .access(path.join(entry, COMPLETE_MARKER))
    .then(() => true)
    .catch(() => false);
}

/** A fresh temp path beside `entry`, named after this process so an abandoned one can be recognised. */
export function tempEntryPath(entry: string): string {
  return `${entry}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes half-made copies whose copying process is gone (a run killed while it copied). */
export async function removeAbandonedCopies(cacheRoot: string): Promise<void> {
  const names = await fs.readdir(cacheRoot).catch(() => []);
  for (const name of names) {
    const pid = /\.tmp-(\d+)-[0-9a-f]+$/.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) {
      await fs.rm(path.join(cacheRoot, name), { recursive: true, force: true });
    }
  }
}

/**
 * Renames the complete copy `temp` (its marker written) into place as `entry`, so a concurrent or
 * interrupted run never sees half an entry. When another run published first, theirs is as good as
 * ours and `temp` goes. Entries only ever appear complete, so an entry in the way that is not
 * complete was left by a killed copy of an older layout: it is moved aside atomically and then
 * deleted, never deleted in place (an in-place delete could race another run's fresh rename of a
 * good entry). Any other failure removes `temp` and is thrown.
 */
export async function publishEntry(temp: string, entry: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await fs.rename(temp, entry);
      return;
    } catch (error) {
      if (await isComplete(entry)) {
        await fs.rm(temp, { recursive: true, force: true });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt > 0 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) {
        await fs.rm(temp, { recursive: true, force: true });
        throw error;
      }
      const stale = tempEntryPath(entry);
      await fs.rename(entry, stale).catch(() => undefined);
      await fs.rm(stale, { recursive: true, force: true });
    }
  }
}
