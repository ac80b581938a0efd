import type { MigrationFile } from './migration-files.ts';
import { analyseSql } from './sql-analysis.ts';

/** Why a migration cannot be rolled back by its down script. */
export type DownScriptProblem = 'missing' | 'empty';

/**
 * `missing` when the migration has no down script, `empty` when it has one without a statement
 * (blank or only comments): running it would record a rollback that undid nothing.
 */
export async function downScriptProblem(migration: MigrationFile): Promise<DownScriptProblem | undefined> {
  if (migration.downSql === undefined) return 'missing';
  const analysis = await analyseSql(migration.downSql);
  return analysis.ok && analysis.statements.length === 0 ? 'empty' : undefined;
}

/** One sentence naming the down script and what to do about it. */
export function describeDownProblem(migration: MigrationFile, problem: DownScriptProblem): string {
  return problem === 'missing'
    ? `${migration.name} has no down migration ${migration.downFile}, so the database cannot roll back past it; add it`
    : `${migration.downFile} is empty, so rolling back ${migration.name} would undo nothing; write the down migration`;
}
