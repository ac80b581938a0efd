import type pg from 'pg';
import { connectClient } from '../database-connection.ts';
import { GateError, errorMessage } from '../gate-error.ts';
import type { AppliedMigrationRecord } from '../run-metadata.ts';
import { loadMigrations, type MigrationFile } from './migration-files.ts';
import {
  ensureHistoryTables,
  readHistory,
  readVersion,
  recordApplied,
  recordReverted,
} from './migration-history.ts';
import { acquireMigrationLock } from './migration-lock.ts';
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
}

export interface MigrationStatus {
  readonly version: string | null;
  readonly applied: readonly AppliedMigrationRecord[];
  readonly pending: readonly string[];
  /** Applied migrations whose file changed since. */
  readonly drifted: readonly string[];
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

/**
 * Applies, dry-runs and rolls back `NNN_name.up.sql` / `.down.sql` migrations: one transaction per
 * migration, under an advisory lock, refusing edited files that were already applied.
 *
 * @example
 * const migrator = new Migrator({ databaseUrl, directory: 'migrations', log: console.log });
 * await migrator.migrate();            // → 005
 * await migrator.rollback({ to: '003' });
 */
export class Migrator {
  readonly #options: MigratorOptions;
  readonly #log: (line: string) => void;

  constructor(options: MigratorOptions) {
    this.#options = options;
    this.#log = options.log ?? (() => undefined);
  }

  async status(): Promise<MigrationStatus> {
    const files = await loadMigrations(this.#options.directory);
    return this.#withClient(async (client) => this.#status(client, files));
  }

  async migrate(options: { readonly to?: string } = {}): Promise<MigrateResult> {
    const files = await loadMigrations(this.#options.directory);
    const target = this.#resolveTarget(files, options.to);
    await this.#refuseNonTransactional(files);
    return this.#locked(async (client) => {
      await ensureHistoryTables(client);
      const status = await this.#status(client, files);
      this.#refuseDrift(status, files);
      const from = status.version;
      if (from !== null && Number(target) < Number(from)) {
        throw new GateError(`The database is at ${from}, past the target ${target}; use rollback --to ${target} instead.`);
      }
      const pending = files.filter((file) => Number(file.version) > Number(from ?? -1) && Number(file.version) <= Number(target));
      if (pending.length === 0) this.#log(`already at version ${from ?? 'none'}; nothing to apply`);
      const applied: TimedMigration[] = [];
      for (const file of pending) {
        this.#log(`applying ${file.name} …`);
        const durationMs = await this.#inTransaction(client, file, 'up', async () => {
          const started = performance.now();
          await this.#execute(client, file, 'up');
          const elapsed = performance.now() - started;
          await recordApplied(client, file, elapsed);
          return elapsed;
        });
        applied.push({ name: file.name, durationMs });
        this.#log(`applied ${file.name} in ${formatMs(durationMs)}`);
      }
      const to = await readVersion(client);
      return { from, to, applied };
    });
  }

  /** Runs the pending migrations inside one transaction that is rolled back: nothing persists. */
  async dryRun(): Promise<DryRunResult> {
    const files = await loadMigrations(this.#options.directory);
    await this.#refuseNonTransactional(files);
    return this.#locked(async (client) => {
      const from = await readVersion(client);
      const status = await this.#status(client, files);
      this.#refuseDrift(status, files);
      const pending = files.filter((file) => status.pending.includes(file.name));
      const executed: TimedMigration[] = [];
      const started = performance.now();
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(this.#options.dryRunLockTimeoutMs ?? 10_000))}`);
        await ensureHistoryTables(client);
        for (const file of pending) {
          const stepStarted = performance.now();
          await this.#execute(client, file, 'up').catch(async (error: unknown) => {
            throw this.#failure(file, 'up', error, from, 'dry run');
          });
          await recordApplied(client, file, performance.now() - stepStarted);
          const durationMs = performance.now() - stepStarted;
          executed.push({ name: file.name, durationMs });
          this.#log(`[dry run] ${file.name} executed in ${formatMs(durationMs)}`);
        }
      } finally {
        await client.query('ROLLBACK');
      }
      const totalMs = performance.now() - started;
      this.#log(
        pending.length === 0
          ? '[dry run] nothing pending'
          : `[dry run] ${executed.length} migration(s) ran without error in ${formatMs(totalMs)}; everything was rolled back`,
      );
      return { from, executed, totalMs };
    });
  }

  async rollback(options: { readonly to: string }): Promise<RollbackResult> {
    const files = await loadMigrations(this.#options.directory);
    const target = options.to;
    if (target !== '0' && !files.some((file) => file.version === target)) {
      throw new GateError(`There is no migration ${target} to roll back to; known versions: ${files.map((f) => f.version).join(', ')}.`);
    }
    return this.#locked(async (client) => {
      const status = await this.#status(client, files);
      this.#refuseDrift(status, files);
      const from = status.version;
      const toRevert = files
        .filter((file) => Number(file.version) > Number(target) && Number(file.version) <= Number(from ?? -1))
        .reverse();
      if (toRevert.length === 0) this.#log(`already at version ${from ?? 'none'}; nothing to roll back`);
      const missing = toRevert.find((file) => file.downSql === undefined);
      if (missing !== undefined) {
        throw new GateError(`${missing.name} has no down migration, so the database cannot roll back past it; add ${missing.name}.down.sql.`);
      }
      const reverted: TimedMigration[] = [];
      for (const file of toRevert) {
        const previous = files[files.indexOf(file) - 1]?.version ?? null;
        this.#log(`reverting ${file.name} …`);
        const durationMs = await this.#inTransaction(client, file, 'down', async () => {
          const started = performance.now();
          await this.#execute(client, file, 'down');
          await recordReverted(client, file.version, previous);
          return performance.now() - started;
        });
        reverted.push({ name: file.name, durationMs });
        this.#log(`reverted ${file.name} in ${formatMs(durationMs)}`);
      }
      return { from, to: await readVersion(client), reverted };
    });
  }

  #resolveTarget(files: readonly MigrationFile[], to: string | undefined): string {
    const last = files.at(-1);
    if (last === undefined) throw new GateError(`No migrations found in ${this.#options.directory}.`);
    if (to === undefined) return last.version;
    if (!files.some((file) => file.version === to)) {
      throw new GateError(`There is no migration ${to}; known versions: ${files.map((f) => f.version).join(', ')}.`);
    }
    return to;
  }

  async #status(client: pg.Client, files: readonly MigrationFile[]): Promise<MigrationStatus> {
    const version = await readVersion(client);
    const applied = await readHistory(client);
    const byVersion = new Map(files.map((file) => [file.version, file]));
    const drifted = applied
      .filter((record) => {
        const file = byVersion.get(record.version);
        return file !== undefined && file.checksum !== record.checksum;
      })
      .map((record) => record.name);
    const pending = files.filter((file) => Number(file.version) > Number(version ?? -1)).map((file) => file.name);
    return { version, applied, pending, drifted };
  }

  #refuseDrift(status: MigrationStatus, files: readonly MigrationFile[]): void {
    const name = status.drifted[0];
    if (name === undefined) return;
    const file = files.find((candidate) => candidate.name === name);
    throw new GateError(
      `Migration ${file?.upPath ?? name} was edited after it was applied (checksum differs from the one recorded); restore the file or add a new migration instead.`,
    );
  }

  async #refuseNonTransactional(files: readonly MigrationFile[]): Promise<void> {
    for (const file of files) {
      for (const [direction, sql] of [
        ['up', file.upSql],
        ['down', file.downSql],
      ] as const) {
        if (sql === undefined) continue;
        const analysis = await analyseSql(sql);
        if (!analysis.ok) {
          throw new GateError(`${file.name}.${direction}.sql line ${analysis.line}: ${analysis.message}; fix the SQL.`);
        }
        const blocked = analysis.statements.find((statement) => statement.nonTransactional !== undefined);
        if (blocked !== undefined) {
          throw new GateError(
            `${file.name}.${direction}.sql line ${blocked.line}: ${blocked.nonTransactional}; each migration runs in one transaction, so move it out of the migration.`,
          );
        }
      }
    }
  }

  /**
   * Runs a file statement by statement (split by the real parser), so a failure names its line even
   * for errors PostgreSQL reports without a position, such as a division by zero.
   */
  async #execute(client: pg.Client, file: MigrationFile, direction: 'up' | 'down'): Promise<void> {
    const sql = direction === 'up' ? file.upSql : file.downSql;
    if (sql === undefined) throw new GateError(`${file.name} has no ${direction} migration.`);
    const analysis = await analyseSql(sql);
    if (!analysis.ok) {
      throw new GateError(`${file.name}.${direction}.sql line ${analysis.line}: ${analysis.message}; fix the SQL.`);
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
    const before = await readVersion(client);
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
    const code = (cause as { code?: string }).code;
    return new GateError(
      `${what} ${file.name}.${direction}.sql failed at${where}: ${errorMessage(cause)}${code ? ` (SQLSTATE ${code})` : ''}; the database stays at version ${version ?? 'none'}, unchanged.`,
      { cause },
    );
  }

  async #withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await connectClient(this.#options.databaseUrl, { applicationName: 'migration-gate migrator' });
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
