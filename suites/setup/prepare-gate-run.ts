import type { TestProject } from 'vitest/node';
import { backupDirectory } from '../support/gate-settings.ts';
import type { GateConfig } from '../../helpers/config/gate-config.ts';
import { takeSecuritySnapshot, type SecuritySnapshot } from '../../helpers/privileges/security-snapshot.ts';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { createBackup } from '../../helpers/run/database-backup.ts';
import { parseDatabaseUrl } from '../../helpers/db/database-url.ts';
import {
  compareSnapshots,
  takeSnapshot,
  type DatabaseSnapshot,
  type SnapshotOptions,
} from '../../helpers/run/database-snapshot.ts';
import { configProblems, type ConfigProblem } from '../../helpers/config/config-against-catalog.ts';
import {
  bookkeepingSchemaOf,
  foreignHistoryInCharge,
  readHistory,
  readVersion,
} from '../../helpers/migrations/migration-history.ts';
import { describeForeignHistory } from '../../helpers/migrations/foreign-history.ts';
import { GateError } from '../../helpers/gate-error.ts';
import {
  Migrator,
  defaultRollbackTarget,
  resolveRollbackTarget,
  type MigrateResult,
} from '../../helpers/migrations/migrator.ts';
import { loadMigrations } from '../../helpers/migrations/migration-files.ts';
import type { StartedDatabase } from '../../helpers/providers/database-provider.ts';
import { redactUrl } from '../../helpers/redact.ts';
import type { RunMetadata } from '../../helpers/run/run-metadata.ts';
import { changedNothing, settleStep, type GateRunRecord, type StepOutcome } from './gate-run-record.ts';
import '../../helpers/run/run-metadata.ts';
import { largeTableProgress } from './large-table-progress.ts';
import {
  noRunRehearsal,
  restoreForRehearsal,
  startRunRehearsal,
  type RehearsalRecord,
} from './prepare-rehearsal.ts';
import { GATE_SUITES, suiteInProjectRun } from './gate-suites.ts';
import { REHEARSAL_URL_VARIABLE } from '../../helpers/run/rehearsal-server.ts';

export interface PrepareOptions {
  readonly project: TestProject;
  readonly database: StartedDatabase;
  /** The loaded gate config (see `run-config.ts`). */
  readonly config: GateConfig;
  /** Apply pending migrations for real (always for `local`; on staging only when asked). */
  readonly apply: boolean;
  /** Commits fixtures after migrating (throw-away databases only). */
  readonly seed?: (url: string) => Promise<Readonly<Record<string, number>>>;
  readonly log: (line: string) => void;
  /**
   * Server the restore rehearsal may create its databases on instead of starting one (see
   * MIGRATION_GATE_REHEARSAL_URL, which wins): `local` passes its own throw-away server.
   */
  readonly rehearsalUrl?: string;
  /**
   * Restore the backup for CE-20, CE-21 and CE-27 beside the steps after it (`local`: the seeding)
   * rather than on the first suite's need; default false (on staging the suites overlap it).
   */
  readonly restoreInSetup?: boolean;
  /**
   * Take the CE-23 security diff's "before" at the rollback target (`local`): apply up to it, snapshot,
   * then apply the rest. A database that starts empty would otherwise make every policy and grant
   * "added", so a dropped restrictive policy or a lost grant of the migrations under review went unseen.
   */
  readonly securityBaseAtRollbackTarget?: boolean;
}

/**
 * The version the security base is taken at: the rollback target, or null when that is before the
 * first migration or not a known version (CE-27 reports a bad target; here the empty start stands).
 */
async function securityBaseVersion(config: GateConfig): Promise<string | null> {
  try {
    const files = await loadMigrations(config.migrations.directory);
    return resolveRollbackTarget(files, config.migrations.rollbackTarget ?? defaultRollbackTarget(files));
  } catch {
    return null;
  }
}

async function step<T>(
  label: string,
  log: (line: string) => void,
  work: () => Promise<T>,
): Promise<StepOutcome<T>> {
  const started = performance.now();
  const outcome = await settleStep(work);
  log(
    outcome.ok === true
      ? `${label}: done in ${Math.round(performance.now() - started)} ms`
      : `${label}: FAILED — ${outcome.ok === false ? outcome.error : outcome.reason}`,
  );
  return outcome;
}

/**
 * Applies pending migrations only when asked, and only behind a verified safety net: a backup that
 * was taken and a dry run that passed. Otherwise the step is recorded as not run, with the reason.
 */
async function applyIfSafe(
  apply: boolean,
  backup: StepOutcome<unknown>,
  dryRun: StepOutcome<unknown>,
  log: (line: string) => void,
  migrate: () => Promise<MigrateResult>,
): Promise<GateRunRecord['migrate']> {
  if (!apply) {
    return {
      ok: 'not-run',
      reason: 'staging runs are non-destructive; set MIGRATION_GATE_APPLY=1 to apply pending migrations',
    };
  }
  if (backup.ok !== true) {
    log('apply migrations: NOT RUN — there is no pre-migration backup to fall back on');
    return { ok: false, error: 'migrations were not applied: the pre-migration backup failed' };
  }
  if (dryRun.ok !== true) {
    log('apply migrations: NOT RUN — the dry run failed');
    return { ok: false, error: 'migrations were not applied: the dry run failed' };
  }
  return step('apply migrations', log, migrate);
}

/** The config comparison as a step: its problems printed one sentence each, before any suite runs. */
function configCheckOutcome(
  dryRun: StepOutcome<unknown>,
  outcome: StepOutcome<readonly ConfigProblem[]> | undefined,
  log: (line: string) => void,
): GateRunRecord['configCheck'] {
  if (dryRun.ok !== true || outcome === undefined)
    return {
      ok: 'not-run',
      reason: 'the dry run of the pending migrations failed, so the migrated schema is unknown',
    };
  if (outcome.ok !== true) {
    log(`config check: FAILED — ${outcome.ok === false ? outcome.error : outcome.reason}`);
    return outcome;
  }
  if (outcome.value.length === 0) log('config matches the migrated schema');
  else {
    log(`config does not match the migrated schema; ce20.config.matches-schema fails:`);
    for (const problem of outcome.value) log(`  - ${problem.sentence}`);
  }
  return outcome;
}

/** The preflight fingerprint on a connection of its own, settled (never an unhandled rejection). */
async function preflightSnapshot(
  url: string,
  schema: string,
  options: SnapshotOptions,
): Promise<
  { readonly ok: true; readonly value: DatabaseSnapshot } | { readonly ok: false; readonly error: unknown }
> {
  try {
    const client = await connectClient(url);
    try {
      return { ok: true, value: await takeSnapshot(client, schema, options) };
    } finally {
      await client.end();
    }
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * The flow before the suites: preflight snapshot and backup (CE-20), dry run (CE-21), apply
 * (CE-22), fixtures, baseline snapshot. A failing step is recorded, not thrown, so the suites report
 * it as a failed check with its reason instead of the whole run dying without evidence.
 */
export async function prepareGateRun(options: PrepareOptions): Promise<() => Promise<void>> {
  const { project, database, log } = options;
  const url = database.url;
  const client = await connectClient(url);
  const startedAt = new Date().toISOString();
  // The run's one rehearsal server starts beside the steps below; the teardown this returns stops it.
  const env =
    options.rehearsalUrl === undefined || (process.env[REHEARSAL_URL_VARIABLE] ?? '').trim() !== ''
      ? process.env
      : { ...process.env, [REHEARSAL_URL_VARIABLE]: options.rehearsalUrl };
  const rehearses = [GATE_SUITES.environment, GATE_SUITES.migrationValidation, GATE_SUITES.rollback].some(
    (suite) => suiteInProjectRun(project, suite),
  );
  const rehearsal = rehearses
    ? startRunRehearsal(log, env)
    : noRunRehearsal('no suite that restores the backup (CE-20, CE-21, CE-27) is in this run');
  // One progress reporter per pass, so each step's ETA uses that step's rate.
  const progress = (): SnapshotOptions => ({ onLargeTable: largeTableProgress('fingerprint', log) });
  let restoring: Promise<RehearsalRecord> | undefined;
  try {
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    log(`database ${redactUrl(url)} (PostgreSQL ${version.rows[0]?.server_version ?? '?'})`);
    // The preflight fingerprint, the backup and its restore only read the source: they overlap (the
    // fingerprint on a connection of its own); the dry run waits for the fingerprint.
    const preflightTaken = preflightSnapshot(url, options.config.schema, progress());
    let securityBefore = await takeSecuritySnapshot(client, options.config.schema); // CE-23 policy/grant diff
    let securityBeforeVersion: string | null = null;
    const backup = await step('pre-migration backup (pg_dump)', log, () =>
      createBackup(url, backupDirectory(), `${project.name}_pre_migration`),
    );
    if (backup.ok === true)
      log(`  backup: ${backup.value.bytes} bytes in ${Math.round(backup.value.durationMs)} ms`);
    if (options.restoreInSetup === true && rehearses)
      restoring = rehearsal
        .server()
        .then((server) => restoreForRehearsal(server, backup, url, log, options.config.schema));
    const preflightOutcome = await preflightTaken;
    if (preflightOutcome.ok !== true) throw preflightOutcome.error;
    const preflight = preflightOutcome.value;
    const bookkeepingSchema = bookkeepingSchemaOf(options.config.migrations);
    const migrator = new Migrator({
      databaseUrl: url,
      directory: options.config.migrations.directory,
      bookkeepingSchema,
      log: (line) => log(`  ${line}`),
    });
    let securityAfterDryRun: SecuritySnapshot | undefined;
    let problems: StepOutcome<readonly ConfigProblem[]> | undefined;
    const dryRun = await step('dry run of pending migrations', log, () =>
      migrator.dryRun(async (migrated) => {
        securityAfterDryRun = await takeSecuritySnapshot(migrated, options.config.schema);
        // The config describes the schema after the migrations: compared there, before any suite runs.
        // Last in the transaction, so a failed catalog read cannot fail the dry run itself.
        problems = await settleStep(() => configProblems(migrated, options.config));
      }),
    );
    const configCheck = configCheckOutcome(dryRun, problems, log);
    // A run that will apply and seed nothing keeps the preflight as its baseline, so the post-run
    // check compares every row's checksum with the state before the dry run: here counts and the
    // schema suffice (one whole-table checksum pass fewer). Otherwise the dry run's full fingerprint.
    const changesNothing = !options.apply && options.seed === undefined;
    const dryRunSnapshot = await takeSnapshot(client, options.config.schema, {
      onLargeTable: largeTableProgress(changesNothing ? 'row counts after the dry run' : 'fingerprint', log),
      checksums: !changesNothing,
    });
    const afterDryRun = {
      ...compareSnapshots(preflight, dryRunSnapshot, { checksums: !changesNothing }),
      rows: changesNothing ? ('counts' as const) : ('checksums' as const),
    };
    const migrate = await applyIfSafe(options.apply, backup, dryRun, log, async () => {
      // The team's own tool keeps the history: applying here would leave it behind (Flyway) or make
      // the gate a second migrator of a staging database. The dry run above judged the migrations.
      const foreign = await foreignHistoryInCharge(client, bookkeepingSchema);
      if (foreign !== null)
        throw new GateError(
          `this database's migrations are recorded by ${describeForeignHistory(foreign)}, not by migration-gate; apply them with ${foreign.tool} (this run dry-ran them), then gate again without MIGRATION_GATE_APPLY`,
        );
      const base =
        options.securityBaseAtRollbackTarget === true ? await securityBaseVersion(options.config) : null;
      if (base === null) return migrator.migrate();
      const first = await migrator.migrate({ to: base });
      securityBefore = await takeSecuritySnapshot(client, options.config.schema);
      securityBeforeVersion = base;
      const rest = await migrator.migrate();
      return { from: first.from, to: rest.to, applied: [...first.applied, ...rest.applied] };
    });
    const seeded: GateRunRecord['seeded'] =
      options.seed === undefined
        ? {
            ok: 'not-run',
            reason: 'no fixtures are committed to this database; suites seed inside rolled-back transactions',
          }
        : migrate.ok === true
          ? await step('seed fixtures', log, () => (options.seed ?? (async () => ({})))(url))
          : { ok: 'not-run', reason: 'migrations did not apply' };
    // Nothing applied or seeded: the preflight (or the dry run's full fingerprint) is the baseline.
    const baseline = changedNothing({ migrate, seeded })
      ? changesNothing
        ? preflight
        : dryRunSnapshot
      : await takeSnapshot(client, options.config.schema, progress());
    const versionNow = await readVersion(client, bookkeepingSchema);
    const record: GateRunRecord = {
      project: project.name,
      preflight,
      backup,
      dryRun,
      configCheck,
      dryRunTrace: afterDryRun,
      migrate,
      seeded,
      baseline,
      securityBefore,
      securityBeforeVersion,
      ...(securityAfterDryRun === undefined ? {} : { securityAfterDryRun }),
    };
    const target = parseDatabaseUrl(url);
    const metadata: RunMetadata = {
      project: project.name,
      provider: database.provider,
      database: {
        url: redactUrl(url),
        name: target.database,
        serverVersion: version.rows[0]?.server_version ?? 'unknown',
      },
      migrations: { version: versionNow, applied: await readHistory(client, bookkeepingSchema) },
      startedAt,
    };
    project.provide('databaseUrl', url);
    project.provide('runMetadata', metadata);
    project.provide('gateRun', record);
    // The suites restore the backup there on first need, unless restored above (CE-20, CE-21 and
    // CE-27 share one restore).
    project.provide('rehearsalServer', await rehearsal.server());
    project.provide('restoredInSetup', (await restoring) ?? null);
  } catch (error) {
    // A restore under way finishes (it never rejects) before its server stops.
    await restoring;
    await rehearsal.stop();
    throw error;
  } finally {
    await client.end();
  }
  return () => rehearsal.stop();
}
