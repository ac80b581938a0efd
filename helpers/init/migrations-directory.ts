import { existsSync } from 'node:fs';
import path from 'node:path';
import { GateError } from '../gate-error.ts';
import { loadMigrations, type MigrationFile } from '../migrations/migration-files.ts';

/** Where `init` looks for migrations when `--migrations` is not given, in this order. */
export const MIGRATION_DIRECTORY_CANDIDATES = [
  'migrations',
  'db/migrations',
  'sql/migrations',
  'prisma/migrations',
] as const;

export interface FoundMigrations {
  /** Relative to the project root, forward slashes. */
  readonly directory: string;
  readonly files: readonly MigrationFile[];
}

/**
 * The migrations directory: `explicit` (which must load), else the first candidate that holds
 * migrations `loadMigrations` accepts. One sentence when there is none.
 */
export async function findMigrations(root: string, explicit: string | undefined): Promise<FoundMigrations> {
  const candidates = explicit === undefined ? MIGRATION_DIRECTORY_CANDIDATES : [explicit];
  const problems: string[] = [];
  for (const candidate of candidates) {
    const absolute = path.resolve(root, candidate);
    if (explicit === undefined && !existsSync(absolute)) continue;
    try {
      const files = await loadMigrations(absolute);
      if (files.length > 0) {
        return { directory: path.relative(root, absolute).split(path.sep).join('/') || '.', files };
      }
      problems.push(`${candidate} holds no migrations`);
    } catch (error) {
      if (explicit !== undefined) throw error;
      problems.push(`${candidate}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new GateError(
    explicit === undefined
      ? `No migrations found in ${MIGRATION_DIRECTORY_CANDIDATES.join(', ')} under ${root}${problems.length > 0 ? ` (${problems.join('; ')})` : ''}; pass --migrations <dir>.`
      : `The migrations directory ${explicit} holds no migrations.`,
  );
}
