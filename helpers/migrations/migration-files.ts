import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GateError } from '../gate-error.ts';
import {
  FORMAT_EXAMPLES,
  MIGRATION_FORMATS,
  parseFileName,
  parsePrismaFolder,
  splitDbmateSections,
  type MigrationFormat,
  type ParsedFileName,
} from './migration-formats.ts';
import { compareVersions } from './migration-version.ts';

export type { MigrationFormat } from './migration-formats.ts';

/** One migration: its up script and, when there is one, its down (undo) script. */
export interface MigrationFile {
  readonly format: MigrationFormat;
  /** Version from the file name, as written (`003`, `20240101120000`, `1.1`); compare with `compareVersions`. */
  readonly version: string;
  /** `003_foreign_keys`, `20240101120000_create_users`, `V1.1__add_x` */
  readonly name: string;
  readonly upPath: string;
  /** The file that holds the down script (for dbmate the same file as the up), if any. */
  readonly downPath: string | undefined;
  /** How messages name the up script: `003_x.up.sql`, `V3__x.sql`, `2024…_x.sql (-- migrate:up)`. */
  readonly upFile: string;
  /** How messages name the down script, also when it is missing: `003_x.down.sql`, `U3__x.sql`, … */
  readonly downFile: string;
  readonly upSql: string;
  readonly downSql: string | undefined;
  /** sha256 of the up script: an applied migration whose file changed is refused. */
  readonly checksum: string;
  /** sha256 of the down script, when there is one; recorded at apply time so an edit shows as drift. */
  readonly downChecksum: string | undefined;
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

interface NamedFile extends ParsedFileName {
  readonly file: string;
}

/**
 * Reads the migrations directory, in version order. The format is detected from the file names; a
 * directory that mixes formats, a name no format matches, a duplicate version or an orphan down file
 * is a one-sentence error.
 */
export async function loadMigrations(directory: string): Promise<readonly MigrationFile[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(directory);
  } catch (error) {
    throw new GateError(`Cannot read the migrations directory ${directory}; check migrations.directory in gate.config.ts.`, {
      cause: error,
    });
  }
  const prisma = await readPrismaFolders(directory, entries);
  if (prisma !== undefined) return prisma;
  const named: NamedFile[] = [];
  for (const entry of entries.sort()) {
    if (!entry.endsWith('.sql')) continue;
    const parsed = parseFileName(entry);
    if (parsed === undefined) {
      throw new GateError(
        `Migration file ${path.join(directory, entry)} follows none of the known names (${MIGRATION_FORMATS.map((format) => FORMAT_EXAMPLES[format]).join('; ')}); rename it.`,
      );
    }
    named.push({ ...parsed, file: entry });
  }
  const first = named[0];
  if (first === undefined) return [];
  const other = named.find((entry) => entry.format !== first.format);
  if (other !== undefined) {
    throw new GateError(
      `${directory} mixes migration formats: ${first.file} is ${first.format} (${FORMAT_EXAMPLES[first.format]}) but ${other.file} is ${other.format}; keep one format per directory.`,
    );
  }
  const ups = byVersion(named.filter((entry) => entry.role !== 'down'));
  const downs = byVersion(named.filter((entry) => entry.role === 'down'));
  for (const down of downs) {
    if (!ups.some((up) => compareVersions(up.version, down.version) === 0)) {
      throw new GateError(`${down.file} has no matching up migration; add it or remove the down file.`);
    }
  }
  const migrations: MigrationFile[] = [];
  for (const up of ups) {
    const down = downs.find((candidate) => compareVersions(candidate.version, up.version) === 0);
    migrations.push(
      first.format === 'dbmate' ? await readDbmate(directory, up) : await readPair(directory, up, down),
    );
  }
  return migrations;
}

/** Sorted by version; two files of one role with the same version are an error. */
function byVersion(files: readonly NamedFile[]): readonly NamedFile[] {
  const sorted = [...files].sort((a, b) => compareVersions(a.version, b.version));
  for (let index = 1; index < sorted.length; index += 1) {
    const previous = sorted[index - 1];
    const current = sorted[index];
    if (previous !== undefined && current !== undefined && compareVersions(previous.version, current.version) === 0) {
      throw new GateError(
        `Migrations ${previous.file} and ${current.file} share version ${current.version}; renumber one of them.`,
      );
    }
  }
  return sorted;
}

function expectedDownFile(up: NamedFile): string {
  return up.format === 'flyway' ? up.file.replace(/^V/, 'U') : `${up.name}.down.sql`;
}

async function readPair(directory: string, up: NamedFile, down: NamedFile | undefined): Promise<MigrationFile> {
  if (down !== undefined && up.format === 'numbered' && down.name !== up.name) {
    throw new GateError(`${down.file} does not match ${up.file}; an up/down pair must share its name.`);
  }
  const upPath = path.join(directory, up.file);
  const downPath = down === undefined ? undefined : path.join(directory, down.file);
  const upSql = await fs.readFile(upPath, 'utf8');
  const downSql = downPath === undefined ? undefined : await fs.readFile(downPath, 'utf8');
  return {
    format: up.format,
    version: up.version,
    name: up.name,
    upPath,
    downPath,
    upFile: up.file,
    downFile: down?.file ?? expectedDownFile(up),
    upSql,
    downSql,
    checksum: checksumOf(upSql),
    downChecksum: downSql === undefined ? undefined : checksumOf(downSql),
  };
}

async function readDbmate(directory: string, file: NamedFile): Promise<MigrationFile> {
  const filePath = path.join(directory, file.file);
  const sections = splitDbmateSections(await fs.readFile(filePath, 'utf8'));
  if ('duplicate' in sections) {
    throw new GateError(`${filePath} has more than one -- migrate:${sections.duplicate} line; keep one of each.`);
  }
  if (sections.up === undefined) {
    throw new GateError(
      `${filePath} is named like a dbmate migration but has no -- migrate:up line; add it (and -- migrate:down), or rename the file.`,
    );
  }
  return {
    format: 'dbmate',
    version: file.version,
    name: file.name,
    upPath: filePath,
    downPath: sections.down === undefined ? undefined : filePath,
    upFile: `${file.file} (-- migrate:up)`,
    downFile: `${file.file} (-- migrate:down)`,
    upSql: sections.up,
    downSql: sections.down,
    checksum: checksumOf(sections.up),
    downChecksum: sections.down === undefined ? undefined : checksumOf(sections.down),
  };
}

/**
 * A Prisma migrations directory (`migration_lock.toml`, or folders holding `migration.sql`): one
 * migration per folder, its up script `migration.sql` and, when the team keeps one, `down.sql`.
 * Undefined for any other directory. A folder with `migration.sql` whose name is no Prisma name is
 * an error, as is a loose `.sql` file beside the folders.
 */
async function readPrismaFolders(
  directory: string,
  entries: readonly string[],
): Promise<readonly MigrationFile[] | undefined> {
  const folders = entries.filter((entry) => existsSync(path.join(directory, entry, 'migration.sql')));
  if (folders.length === 0 && !entries.includes('migration_lock.toml')) return undefined;
  const loose = entries.find((entry) => entry.endsWith('.sql'));
  if (loose !== undefined) {
    throw new GateError(
      `${directory} holds Prisma migration folders and a loose file ${loose}; keep each migration in its own folder (${FORMAT_EXAMPLES.prisma}).`,
    );
  }
  const migrations: MigrationFile[] = [];
  for (const folder of [...folders].sort()) {
    const parsed = parsePrismaFolder(folder);
    if (parsed === undefined) {
      throw new GateError(
        `Migration folder ${path.join(directory, folder)} is not named like a Prisma migration (${FORMAT_EXAMPLES.prisma}); rename it.`,
      );
    }
    const upPath = path.join(directory, folder, 'migration.sql');
    const downCandidate = path.join(directory, folder, 'down.sql');
    const downPath = existsSync(downCandidate) ? downCandidate : undefined;
    const upSql = await fs.readFile(upPath, 'utf8');
    const downSql = downPath === undefined ? undefined : await fs.readFile(downPath, 'utf8');
    migrations.push({
      format: 'prisma',
      version: parsed.version,
      name: parsed.name,
      upPath,
      downPath,
      upFile: `${folder}/migration.sql`,
      downFile: `${folder}/down.sql`,
      upSql,
      downSql,
      checksum: checksumOf(upSql),
      downChecksum: downSql === undefined ? undefined : checksumOf(downSql),
    });
  }
  byVersion(migrations.map((m) => ({ format: 'prisma', version: m.version, name: m.name, role: 'up', file: m.upFile })));
  return migrations.sort((a, b) => compareVersions(a.version, b.version));
}
