import type pg from 'pg';
import { connectClient } from '../db/database-connection.ts';
import { parseDatabaseUrl } from '../db/database-url.ts';
import { pgErrorFields } from '../db/pg-error.ts';
import { withRolledBack } from '../db/rolled-back.ts';
import { GateError, errorMessage } from '../gate-error.ts';
import { describeDownProblem, downScriptProblem, type DownScriptProblem } from './down-scripts.ts';
import { loadMigrations, type MigrationFile } from './migration-files.ts';
import {
  ensureHistoryTables,
  readHistory,
  readVersion,
  recordApplied,
  recordReverted,
  DEFAULT_BOOKKEEPING_SCHEMA,
  type HistoryRecord,
} from './migration-history.ts';
import { acquireMigrationLock } from './migration-lock.ts';
import { compareVersions, isBeforeFirst } from './migration-version.ts';
import { analyseSql } from './sql-analysis.ts';

export interface MigratorOptions {
  readonly databaseUrl: string;
  readonly directory: string;
  /** Progress lines, one per step; defaults to silence. */
  readonly log?: (line: string) => void;
  /** How long a second run waits for the migration lock. */
  readonly lockTimeoutMs?: number;
  /**
   * How long a dry-run statement may wait for a table lock before it gives up. A dry run on staging
   * must not queue live traffic behind an ACCESS EXCLUSIVE lock it waits for. Default 10 s.
   */
  readonly dryRunLockTimeoutMs?: number;
  /** How long connecting may take; default the URL's `connect_timeout`, else 5 s. */
  readonly connectTimeoutMs?: number;
  /**
   * Schema of the bookkeeping tables (`alembic_version`, `migration_gate_history`), created when
   * missing. Default `public`.
   */
  readonly bookkeepingSchema?: string;
}

export interface MigrationStatus {
  readonly version: string | null;
  readonly applied: readonly HistoryRecord[];
  readonly pending: readonly string[];
  /** Applied migrations whose up script changed since. */
  readonly drifted: readonly string[];
  /** Applied migrations whose down script changed (or went away) since; rows without a recorded down checksum are accepted. */
  readonly downDrifted: readonly string[];
  /** Applied migrations whose files are no longer in the directory. */
  readonly missingFiles: readonly string[];
  /** Applied migrations that cannot be rolled back: no down script, or an empty one. */
  readonly withoutDown: readonly { readonly name: string; readonly file: string; readonly problem: DownScriptProblem }[];
}

export interface TimedMigration {
  readonly name: string;
  readonly durationMs: number;
}

export interface MigrateResult {
  readonly from: string | null;
  readonly to: string | null;
  readonly applied: readonly TimedMigration[];
}

export interface DryRunResult {
  readonly from: string | null;
  readonly executed: readonly TimedMigration[];
  readonly totalMs: number;
}

export interface RollbackResult {
  readonly from: string | null;
  readonly to: string | null;
  readonly reverted: readonly TimedMigration[];
}

/** One migration a rollback would revert, newest first, with what stands in its way. */
export interface RollbackStep {
  readonly version: string;
  readonly name: string;
  /** Undefined when the migration was applied but its files are gone. */
  readonly migration: MigrationFile | undefined;
  /** Version the database is at once this step is reverted (null: before the first migration). */
  readonly previous: string | null;
  /** Why this step cannot run, as one sentence naming the file. */
  readonly problem: string | undefined;
}

export interface RollbackPlan {
  readonly from: string | null;
  /** The target version, or null for "before the first migration". */
  readonly target: string | null;
  readonly steps: readonly RollbackStep[];
}

export interface RollbackOptions {
  /** Version to roll back to; `none` (or `0`) rolls back every migration. Default: the version before the last migration. */
  readonly to?: string;
  /**
   * Run down scripts edited since their migration was applied instead of refusing. The CE-27 cycle
   * sets it: it rehearses the down scripts as they are now, on an isolated copy.
   */
  readonly acceptEditedDownFiles?: boolean;
}

/** The rollback target as given (`none`/`0` → null), checked against the known versions. */
export function resolveRollbackTarget(files: readonly MigrationFile[], to: string): string | null {
  const versions = files.map((file) => file.version);
  if (isBeforeFirst(to, versions)) return null;
  const match = files.find((file) => compareVersions(file.version, to) === 0);
  if (match === undefined) {
    throw new GateError(
      `There is no migration ${to} to roll back to; known versions: ${versions.join(', ')} (or none, before the first).`,
    );
  }
  return match.version;
}

/** The default CE-27 target: the version before the last migration (`none` when there is one migration). */
export function defaultRollbackTarget(files: readonly MigrationFile[]): string {
  return files.at(-2)?.version ?? 'none';
}

/**
 * Applies, dry-runs and rolls back migrations (numbered up/down files, dbmate or Flyway): one
 * transaction per migration, under an advisory lock, refusing edited files that were already applied.
 *
 * @example
 * const migrator = new Migrator({ databaseUrl, directory: 'migrations', log: console.log });
 * await migrator.migrate();            // → 005
 * await migrator.rollback({ to: '003' });
 */
export class Migrator {
  readonly #options: MigratorOptions;
  readonly #log: (line: string) => void;
  readonly #schema: string;

  constructor(options: MigratorOptions) {
    if (options.bookkeepingSchema !== undefined && options.bookkeepingSchema.trim() === '') {
      throw new GateError('The bookkeeping schema is empty; name a schema (e.g. public) or leave it out.');
    }
    this.#options = options;
    this.#log = options.log ?? (() => undefined);
    this.#schema = options.bookkeepingSchema ?? DEFAULT_BOOKKEEPING_SCHEMA;
  }

  /** The schema holding `alembic_version` and `migration_gate_history`. */
  get bookkeepingSchema(): string {
    return this.#schema;
  }

  async status(): Promise<MigrationStatus> {
    const files = await loadMigrations(this.#options.directory);
    return this.#withClient(async (client) => this.#status(client, files));
  }

  async migrate(options: { readonly to?: string } = {}): Promise<MigrateResult> {
    const files = await loadMigrations(this.#options.directory);
    const target = this.#resolveTarget(files, options.to);
    await this.#refuseNonTransactional(files, 'up');
    return this.#locked(async (client) => {
      await ensureHistoryTables(client, this.#schema);
      const status = await this.#status(client, files);
      this.#refuseDrift(status, files);
      const from = status.version;
      if (from !== null && compareVersions(target, from) < 0) {
        throw new GateError(`The database is at ${from}, past the target ${target}; use rollback --to ${target} instead.`);
      }
      const pending = files.filter(
        (file) => (from === null || compareVersions(file.version, from) > 0) && compareVersions(file.version, target) <= 0,
      );
      if (pending.length === 0) this.#log(`already at version ${from ?? 'none'}; nothing to apply`);
      const applied: TimedMigration[] = [];
      for (const file of pending) {
        this.#log(`applying ${file.name} …`);
        const durationMs = await this.#inTransaction(client, file, 'up', async () => {
          const started = performance.now();
          await this.#execute(client, file, 'up');
          const elapsed = performance.now() - started;
          await recordApplied(client, this.#schema, file, elapsed);
          return elapsed;
        });
        applied.push({ name: file.name, durationMs });
        this.#log(`applied ${file.name} in ${formatMs(durationMs)}`);
      }
      const to = await readVersion(client, this.#schema);
      return { from, to, applied };
    });
  }

  /** Runs the pending migrations inside one transaction that is rolled back: nothing persists. */
  /**
   * Runs the pending migrations in one transaction and rolls it back. `inspect`, when given, runs on
   * the same connection after the last migration and before the ROLLBACK: the only moment the migrated
   * state is visible (the CE-23 security diff of a staging run that does not apply).
   */
  async dryRun(inspect?: (client: pg.ClientBase) => Promise<void>): Promise<DryRunResult> {
    const files = await loadMigrations(this.#options.directory);
    await this.#refuseNonTransactional(files, 'up');
    return this.#locked(async (client) => {
      const from = await readVersion(client, this.#schema);
      const status = await this.#status(client, files);
      this.#refuseDrift(status, files);
      const pending = files.filter((file) => status.pending.includes(file.name));
      const executed: TimedMigration[] = [];
      const started = performance.now();
      await withRolledBack(client, async () => {
        await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(this.#options.dryRunLockTimeoutMs ?? 10_000))}`);
        await ensureHistoryTables(client, this.#schema);
        for (const file of pending) {
          const stepStarted = performance.now();
          await this.#execute(client, file, 'up').catch(async (error: unknown) => {
            throw this.#failure(file, 'up', error, from, 'dry run');
          });
          await recordApplied(client, this.#schema, file, performance.now() - stepStarted);
          const durationMs = performance.now() - stepStarted;
          executed.push({ name: file.name, durationMs });
          this.#log(`[dry run] ${file.name} executed in ${formatMs(durationMs)}`);
        }
        if (inspect !== undefined) await inspect(client);
      });
      const totalMs = performance.now() - started;
      this.#log(
        pending.length === 0
          ? '[dry run] nothing pending'
          : `[dry run] ${executed.length} migration(s) ran without error in ${formatMs(totalMs)}; everything was rolled back`,
      );
      return { from, executed, totalMs };
    });
  }

  /**
   * What `rollback({ to })` would revert, and what stands in the way (a missing file, a missing or
   * empty down script), without changing anything.
   */
  async planRollback(to?: string): Promise<RollbackPlan> {
    const files = await loadMigrations(this.#options.directory);
    const target = resolveRollbackTarget(files, to ?? defaultRollbackTarget(files));
    return this.#withClient(async (client) => this.#planRollback(client, files, target));
  }

  /**
   * Runs down scripts, newest first, back to `to`. Refuses before reverting anything when a migration
   * in the way has no files, no down script, an empty one, or one edited since it was applied.
   */
  async rollback(options: RollbackOptions): Promise<RollbackResult> {
    const files = await loadMigrations(this.#options.directory);
    const target = resolveRollbackTarget(files, options.to ?? defaultRollbackTarget(files));
    return this.#locked(async (client) => {
      // A database another tool migrated gets the gate's bookkeeping here, starting at that tool's version.
      await ensureHistoryTables(client, this.#schema);
      const status = await this.#status(client, files);
      this.#refuseDrift(status, files);
      const plan = await this.#planRollback(client, files, target);
      const blocked = plan.steps.find((step) => step.problem !== undefined);
      if (blocked?.problem !== undefined) {
        throw new GateError(`Cannot roll back to ${target ?? 'none'}: ${blocked.problem}; nothing was rolled back.`);
      }
      if (options.acceptEditedDownFiles !== true) {
        const edited = plan.steps.find((step) => status.downDrifted.includes(step.name));
        if (edited?.migration !== undefined) {
          throw new GateError(
            `${edited.migration.downFile} was edited after ${edited.name} was applied (its checksum differs from the one recorded); review the change, then roll back with --accept-edited-down.`,
          );
        }
      }
      await this.#refuseNonTransactional(
        plan.steps.flatMap((step) => (step.migration === undefined ? [] : [step.migration])),
        'down',
      );
      if (plan.steps.length === 0) this.#log(`already at version ${plan.from ?? 'none'}; nothing to roll back`);
      const reverted: TimedMigration[] = [];
      for (const step of plan.steps) {
        const file = step.migration;
        if (file === undefined) continue;
        this.#log(`reverting ${file.name} …`);
        const durationMs = await this.#inTransaction(client, file, 'down', async () => {
          const started = performance.now();
          await this.#execute(client, file, 'down');
          await recordReverted(client, this.#schema, file.version, step.previous);
          return performance.now() - started;
        });
        reverted.push({ name: file.name, durationMs });
        this.#log(`reverted ${file.name} in ${formatMs(durationMs)}`);
      }
      return { from: plan.from, to: await readVersion(client, this.#schema), reverted };
    });
  }

  async #planRollback(client: pg.Client, files: readonly MigrationFile[], target: string | null): Promise<RollbackPlan> {
    const from = await readVersion(client, this.#schema);
    const history = await readHistory(client, this.#schema);
    // The applied migrations, oldest first: the history's, and the files older than its first record
    // (a database another tool migrated before the gate adopted it at that version, or one without a
    // history at all). A file out of order after the first record is not taken for applied.
    const adopted =
      from === null
        ? []
        : files.filter(
            (file) =>
              compareVersions(file.version, from) <= 0 &&
              (history[0] === undefined || compareVersions(file.version, history[0].version) < 0),
          );
    const applied: readonly { version: string; name: string }[] = [...history, ...adopted].sort((a, b) =>
      compareVersions(a.version, b.version),
    );
    const steps: RollbackStep[] = [];
    for (let index = applied.length - 1; index >= 0; index -= 1) {
      const record = applied[index];
      if (record === undefined) continue;
      if (target !== null && compareVersions(record.version, target) <= 0) break;
      if (from !== null && compareVersions(record.version, from) > 0) continue;
      const migration = files.find((file) => compareVersions(file.version, record.version) === 0);
      const downProblem = migration === undefined ? undefined : await downScriptProblem(migration);
      steps.push({
        version: record.version,
        name: record.name,
        migration,
        previous: applied[index - 1]?.version ?? null,
        problem:
          migration === undefined
            ? `${record.name} was applied but its files are no longer in ${this.#options.directory}; restore them`
            : downProblem === undefined
              ? undefined
              : describeDownProblem(migration, downProblem),
      });
    }
    return { from, target, steps };
  }

  #resolveTarget(files: readonly MigrationFile[], to: string | undefined): string {
    const last = files.at(-1);
    if (last === undefined) throw new GateError(`No migrations found in ${this.#options.directory}.`);
    if (to === undefined) return last.version;
    const match = files.find((file) => compareVersions(file.version, to) === 0);
    if (match === undefined) {
      throw new GateError(`There is no migration ${to}; known versions: ${files.map((f) => f.version).join(', ')}.`);
    }
    return match.version;
  }

  async #status(client: pg.Client, files: readonly MigrationFile[]): Promise<MigrationStatus> {
    const version = await readVersion(client, this.#schema);
    const applied = await readHistory(client, this.#schema);
    const fileOf = (record: HistoryRecord): MigrationFile | undefined =>
      files.find((file) => compareVersions(file.version, record.version) === 0);
    const drifted: string[] = [];
    const downDrifted: string[] = [];
    const missingFiles: string[] = [];
    const withoutDown: { name: string; file: string; problem: DownScriptProblem }[] = [];
    for (const record of applied) {
      const file = fileOf(record);
      if (file === undefined) {
        missingFiles.push(record.name);
        continue;
      }
      if (file.checksum !== record.checksum) drifted.push(record.name);
      if (record.downChecksum !== null && file.downChecksum !== record.downChecksum) downDrifted.push(record.name);
      const problem = await downScriptProblem(file);
      if (problem !== undefined) withoutDown.push({ name: record.name, file: file.downFile, problem });
    }
    const pending = files
      .filter((file) => version === null || compareVersions(file.version, version) > 0)
      .map((file) => file.name);
    return { version, applied, pending, drifted, downDrifted, missingFiles, withoutDown };
  }

  #refuseDrift(status: MigrationStatus, files: readonly MigrationFile[]): void {
    const name = status.drifted[0];
    if (name === undefined) return;
    const file = files.find((candidate) => candidate.name === name);
    throw new GateError(
      `Migration ${file?.upPath ?? name} was edited after it was applied (checksum differs from the one recorded); restore the file or add a new migration instead.`,
    );
  }

  async #refuseNonTransactional(files: readonly MigrationFile[], direction: 'up' | 'down'): Promise<void> {
    for (const file of files) {
      const sql = direction === 'up' ? file.upSql : file.downSql;
      const label = direction === 'up' ? file.upFile : file.downFile;
      if (sql === undefined) continue;
      const analysis = await analyseSql(sql);
      if (!analysis.ok) {
        throw new GateError(`${label} line ${analysis.line}: ${analysis.message}; fix the SQL.`);
      }
      const blocked = analysis.statements.find((statement) => statement.nonTransactional !== undefined);
      if (blocked !== undefined) {
        throw new GateError(
          `${label} line ${blocked.line}: ${blocked.nonTransactional}; each migration runs in one transaction, so move it out of the migration.`,
        );
      }
    }
  }

  /**
   * Runs a file statement by statement (split by the real parser), so a failure names its line even
   * for errors PostgreSQL reports without a position, such as a division by zero.
   */
  async #execute(client: pg.Client, file: MigrationFile, direction: 'up' | 'down'): Promise<void> {
    const sql = direction === 'up' ? file.upSql : file.downSql;
    const label = direction === 'up' ? file.upFile : file.downFile;
    if (sql === undefined) throw new GateError(`${file.name} has no ${direction} migration ${label}.`);
    const analysis = await analyseSql(sql);
    if (!analysis.ok) {
      throw new GateError(`${label} line ${analysis.line}: ${analysis.message}; fix the SQL.`);
    }
    for (const statement of analysis.statements) {
      try {
        await client.query(statement.sql);
      } catch (error) {
        throw new StatementError(error, statement.line);
      }
    }
  }

  async #inTransaction<T>(client: pg.Client, file: MigrationFile, direction: 'up' | 'down', work: () => Promise<T>): Promise<T> {
    const before = await readVersion(client, this.#schema);
    await client.query('BEGIN');
    try {
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.#failure(file, direction, error, before, direction === 'up' ? 'migration' : 'rollback');
    }
  }

  #failure(file: MigrationFile, direction: 'up' | 'down', error: unknown, version: string | null, what: string): GateError {
    if (error instanceof GateError) return error;
    const line = error instanceof StatementError ? error.line : undefined;
    const cause = error instanceof StatementError ? error.cause : error;
    const where = line === undefined ? ' an unknown line' : ` line ${line}`;
    const { code } = pgErrorFields(cause);
    return new GateError(
      `${what} ${direction === 'up' ? file.upFile : file.downFile} failed at${where}: ${errorMessage(cause)}${code ? ` (SQLSTATE ${code})` : ''}; the database stays at version ${version ?? 'none'}, unchanged.`,
      { cause },
    );
  }

  async #withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const connectTimeoutMs =
      this.#options.connectTimeoutMs ?? parseDatabaseUrl(this.#options.databaseUrl).connectTimeoutMs;
    const client = await connectClient(this.#options.databaseUrl, {
      applicationName: 'migration-gate migrator',
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    });
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async #locked<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    return this.#withClient(async (client) => {
      const release = await acquireMigrationLock(client, this.#options.lockTimeoutMs ?? 60_000, this.#log);
      try {
        return await work(client);
      } finally {
        await release().catch(() => undefined);
      }
    });
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A statement's failure, with the line it starts on. */
class StatementError extends Error {
  readonly line: number;

  constructor(cause: unknown, line: number) {
    super(errorMessage(cause), { cause });
    this.line = line;
  }
}
