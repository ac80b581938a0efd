import type { Command } from 'commander';
import { parseDatabaseUrl } from '../../helpers/db/database-url.ts';
import { runInit } from '../../helpers/init/run-init.ts';
import { redactUrl } from '../../helpers/redact.ts';

interface InitCommandOptions {
  readonly databaseUrl?: string;
  readonly migrations?: string;
  readonly schema?: string;
  readonly force?: boolean;
}

/** Adds `migration-gate init` to the program: a thin shell over {@link runInit} in the working directory. */
export function addInitCommand(program: Command, log: (line: string) => void): void {
  program
    .command('init')
    .description('write a starter gate.config.ts, vitest.config.ts, .env.staging.example and CI workflow')
    .option('--database-url <url>', 'an already migrated database to read (catalog queries only)')
    .option(
      '--migrations <dir>',
      'migrations directory (default: migrations, db/migrations or sql/migrations)',
    )
    .option(
      '--schema <name>',
      'schema the gate inspects (default: the one with row-level security on most tables, else public)',
    )
    .option('--force', 'overwrite files that exist')
    .action(async (options: InitCommandOptions) => {
      const databaseUrl =
        options.databaseUrl === undefined ? undefined : parseDatabaseUrl(options.databaseUrl).url;
      if (databaseUrl !== undefined) log(`database: ${redactUrl(databaseUrl)}`);
      await runInit({
        root: process.cwd(),
        ...(databaseUrl === undefined ? {} : { databaseUrl }),
        ...(options.migrations === undefined ? {} : { migrations: options.migrations }),
        ...(options.schema === undefined ? {} : { schema: options.schema }),
        force: options.force === true,
        log,
      });
    });
}
