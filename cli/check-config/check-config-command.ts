import path from 'node:path';
import { configProblems, type ConfigProblem } from '../../helpers/config/config-against-catalog.ts';
import {
  CONFIG_ENV,
  loadGateConfigFile,
  resolveGateConfigPath,
} from '../../helpers/config/gate-config-file.ts';
import { parseDatabaseUrl } from '../../helpers/db/database-url.ts';
import { bookkeepingSchemaOf } from '../../helpers/migrations/migration-history.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { redactUrl } from '../../helpers/redact.ts';
import { resolveDatabaseUrl, type TargetOptions } from '../database-target.ts';

export interface CheckConfigOptions extends TargetOptions {
  readonly config?: string;
}

/** What `check-config` found: the lines to print and whether the config fits. */
export interface CheckConfigResult {
  readonly lines: readonly string[];
  readonly problems: readonly ConfigProblem[];
}

/**
 * `migration-gate check-config`: compares the gate config with the database's catalog as its pending
 * migrations leave it (applied in a transaction that is rolled back, as the gate's dry run does).
 * One sentence per problem; the caller exits non-zero when there is any.
 */
export async function runCheckConfig(
  options: CheckConfigOptions,
  cwd = process.cwd(),
): Promise<CheckConfigResult> {
  const databaseUrl = parseDatabaseUrl(resolveDatabaseUrl(options, cwd)).url;
  const file = resolveGateConfigPath(cwd, options.config ?? process.env[CONFIG_ENV]);
  const config = await loadGateConfigFile(file);
  const migrator = new Migrator({
    databaseUrl,
    directory: config.migrations.directory,
    bookkeepingSchema: bookkeepingSchemaOf(config.migrations),
  });
  let problems: ConfigProblem[] = [];
  const dryRun = await migrator.dryRun(async (migrated) => {
    problems = await configProblems(migrated, config);
  });
  const shown = path.relative(cwd, file) || file;
  const after =
    dryRun.executed.length === 0
      ? 'with no pending migration'
      : `after its ${dryRun.executed.length} pending migrations (rolled back)`;
  return {
    problems,
    lines: [
      `database: ${redactUrl(databaseUrl)}`,
      problems.length === 0
        ? `${shown} fits the schema ${after}.`
        : `${shown} does not fit the schema ${after}:`,
      ...problems.map((problem) => `  - ${problem.sentence}`),
    ],
  };
}
