import { Command, CommanderError, Option } from 'commander';
import { GateError, errorMessage } from '../helpers/gate-error.ts';
import { Migrator, formatMs } from '../helpers/migrations/migrator.ts';
import { parseDatabaseUrl } from '../helpers/db/database-url.ts';
import { redactUrl } from '../helpers/redact.ts';
import { resolveDatabaseUrl, type TargetOptions } from './database-target.ts';
import { runCheckConfig, type CheckConfigOptions } from './check-config/check-config-command.ts';
import { addInitCommand } from './init/init-command.ts';
import { runTypes, type TypesOptions } from './types/types-command.ts';

interface CommonOptions extends TargetOptions {
  readonly migrations: string;
  readonly lockTimeout: string;
  readonly connectTimeout?: string;
  readonly bookkeepingSchema: string;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function migratorFor(options: CommonOptions): Migrator {
  const databaseUrl = parseDatabaseUrl(resolveDatabaseUrl(options)).url;
  const lockTimeoutMs = Number(options.lockTimeout) * 1000;
  if (!Number.isFinite(lockTimeoutMs) || lockTimeoutMs <= 0) {
    throw new GateError(`--lock-timeout "${options.lockTimeout}" is not a positive number of seconds.`);
  }
  const connectTimeoutMs = connectTimeoutOf(options.connectTimeout);
  log(`database: ${redactUrl(databaseUrl)}`);
  return new Migrator({
    databaseUrl,
    directory: options.migrations,
    log,
    lockTimeoutMs,
    bookkeepingSchema: options.bookkeepingSchema,
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
}

/** `--connect-timeout` in seconds; without it the URL's `connect_timeout` (or 5 s) applies. */
function connectTimeoutOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value) * 1000;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new GateError(`--connect-timeout "${value}" is not a positive number of seconds.`);
  }
  return ms;
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL)')
    .option('--env <name>', 'read DATABASE_URL from .env.<name>')
    .addOption(new Option('--migrations <dir>', 'migrations directory').default('migrations'))
    .addOption(new Option('--lock-timeout <seconds>', 'how long to wait for another run').default('60'))
    .addOption(
      new Option(
        '--bookkeeping-schema <name>',
        'schema of alembic_version and migration_gate_history',
      ).default('public'),
    )
    .option(
      '--connect-timeout <seconds>',
      "how long connecting may take (default: the URL's connect_timeout, else 5)",
    );
}

/**
 * Builds the `migration-gate` command line; exported so tests can run it in-process. A command that
 * fails without throwing sets `exit.code`, never `process.exitCode`: a host process (a test worker
 * running many files) may have set that already.
 */
export function buildCli(exit: { code: number } = { code: 0 }): Command {
  const program = new Command('migration-gate')
    .description(
      'Apply, dry-run and roll back PostgreSQL migrations safely; see README.md for the gate itself.',
    )
    .showHelpAfterError()
    .exitOverride();

  withCommonOptions(
    program.command('status').description('show the current version, applied and pending migrations'),
  ).action(async (options: CommonOptions) => {
    const status = await migratorFor(options).status();
    log(`version: ${status.version ?? 'none'}`);
    for (const record of status.applied) {
      log(
        `  applied ${record.name}  ${record.appliedAt}  ${formatMs(record.durationMs)}  sha256:${record.checksum.slice(0, 12)}`,
      );
    }
    for (const name of status.pending) log(`  pending ${name}`);
    for (const name of status.drifted) log(`  DRIFT   ${name} changed after it was applied`);
    for (const name of status.downDrifted)
      log(`  DRIFT   ${name}: its down script changed after it was applied`);
    for (const name of status.missingFiles) log(`  MISSING ${name} was applied but its files are gone`);
    for (const entry of status.withoutDown) {
      log(`  NO DOWN ${entry.name}: ${entry.file} is ${entry.problem}; it cannot be rolled back`);
    }
    if (status.drifted.length + status.downDrifted.length + status.missingFiles.length > 0) exit.code = 1;
  });

  withCommonOptions(program.command('migrate').description('apply pending migrations, one transaction each'))
    .option('--to <version>', 'stop at this version (default: latest)')
    .action(async (options: CommonOptions & { readonly to?: string }) => {
      const result = await migratorFor(options).migrate(options.to === undefined ? {} : { to: options.to });
      log(`version: ${result.from ?? 'none'} → ${result.to ?? 'none'} (${result.applied.length} applied)`);
    });

  withCommonOptions(
    program.command('dry-run').description('execute pending migrations in a transaction that is rolled back'),
  ).action(async (options: CommonOptions) => {
    const result = await migratorFor(options).dryRun();
    for (const step of result.executed) log(`  ${step.name}: ${formatMs(step.durationMs)}`);
    log(`estimated execution time: ${formatMs(result.totalMs)}; version stays ${result.from ?? 'none'}`);
  });

  withCommonOptions(program.command('rollback').description('run down migrations back to a version'))
    .requiredOption('--to <version>', 'version to roll back to (none or 0: before the first migration)')
    .option('--accept-edited-down', 'run down scripts edited after their migration was applied')
    .action(async (options: CommonOptions & { readonly to: string; readonly acceptEditedDown?: boolean }) => {
      const result = await migratorFor(options).rollback({
        to: options.to,
        acceptEditedDownFiles: options.acceptEditedDown === true,
      });
      log(`version: ${result.from ?? 'none'} → ${result.to ?? 'none'} (${result.reverted.length} reverted)`);
    });

  program
    .command('types')
    .description('generate the Kysely DB interface of the migrated schema (for typed invariant tests)')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL)')
    .option('--env <name>', 'read DATABASE_URL from .env.<name>')
    .option('--schema <name>', "schema to describe (default: the gate config's schema, else public)")
    .option('--config <file>', 'gate config file (default: gate.config.ts in the working directory)')
    .addOption(new Option('--out <file>', 'file to write').default('gate-db.d.ts'))
    .action(async (options: TypesOptions) => {
      for (const line of await runTypes(options)) log(line);
    });

  program
    .command('check-config')
    .description(
      'compare gate.config.ts with the database as its pending migrations leave them (rolled back): one sentence per mismatch',
    )
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL)')
    .option('--env <name>', 'read DATABASE_URL from .env.<name>')
    .option('--config <file>', 'gate config file (default: gate.config.ts in the working directory)')
    .action(async (options: CheckConfigOptions) => {
      const result = await runCheckConfig(options);
      for (const line of result.lines) log(line);
      if (result.problems.length > 0) exit.code = 1;
    });

  addInitCommand(program, log);

  return program;
}

/** Runs the CLI and returns the exit code; a GateError becomes one line on stderr. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    const exit = { code: 0 };
    await buildCli(exit).parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof GateError) {
      process.stderr.write(`migration-gate: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`migration-gate: unexpected error: ${errorMessage(error)}\n`);
    return 1;
  }
}
