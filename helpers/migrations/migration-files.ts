import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../gate-error.ts';

/** One `NNN_name.up.sql` with its `NNN_name.down.sql`. */
export interface MigrationFile {
  /** Zero-padded number from the file name, e.g. `003`. */
  readonly version: string;
  /** `003_foreign_keys` */
  readonly name: string;
  readonly upPath: string;
  readonly downPath: string | undefined;
  readonly upSql: string;
  readonly downSql: string | undefined;
  /** sha256 of the up file: an applied migration whose file changed is refused. */
  readonly checksum: string;
}

const FILE_PATTERN = /^(\d+)_([A-Za-z0-9_-]+)\.(up|down)\.sql$/;

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Reads the migrations directory, in version order; a gap, a duplicate or an orphan down file is an error. */
export async function loadMigrations(directory: string): Promise<readonly MigrationFile[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(directory);
  } catch (error) {
    throw new GateError(`Cannot read the migrations directory ${directory}; check migrations.directory in gate.config.ts.`, {
      cause: error,
    });
  }
  const ups = new Map<string, { name: string; file: string }>();
  const downs = new Map<string, { name: string; file: string }>();
  for (const entry of entries.sort()) {
    if (!entry.endsWith('.sql')) continue;
    const match = FILE_PATTERN.exec(entry);
    if (match === null) {
      throw new GateError(
        `Migration file ${path.join(directory, entry)} is not named NNN_name.up.sql or NNN_name.down.sql; rename it.`,
      );
    }
    const [, version = '', label = '', direction] = match;
    const target = direction === 'up' ? ups : downs;
    const existing = target.get(version);
    if (existing !== undefined) {
      throw new GateError(`Migrations ${existing.file} and ${entry} share version ${version}; renumber one of them.`);
    }
    target.set(version, { name: `${version}_${label}`, file: entry });
  }
  for (const [version, down] of downs) {
    if (!ups.has(version)) throw new GateError(`${down.file} has no matching up migration; add it or remove the down file.`);
  }
  const migrations: MigrationFile[] = [];
  for (const version of [...ups.keys()].sort((a, b) => Number(a) - Number(b))) {
    const up = ups.get(version);
    if (up === undefined) continue;
    const down = downs.get(version);
    if (down !== undefined && down.name !== up.name) {
      throw new GateError(`${down.file} does not match ${up.file}; an up/down pair must share its name.`);
    }
    const upPath = path.join(directory, up.file);
    const downPath = down === undefined ? undefined : path.join(directory, down.file);
    const upSql = await fs.readFile(upPath, 'utf8');
    const downSql = downPath === undefined ? undefined : await fs.readFile(downPath, 'utf8');
    migrations.push({ version, name: up.name, upPath, downPath, upSql, downSql, checksum: checksumOf(upSql) });
  }
  return migrations;
}
