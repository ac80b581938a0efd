import type pg from 'pg';
import { connectClient } from '../db/database-connection.ts';
import { createBackup } from './database-backup.ts';
import { takeSnapshot, type DatabaseSnapshot } from './database-snapshot.ts';
import { errorMessage } from '../gate-error.ts';
import { loadMigrations } from '../migrations/migration-files.ts';
import { DEFAULT_BOOKKEEPING_SCHEMA, readVersion } from '../migrations/migration-history.ts';
import { Migrator, defaultRollbackTarget, type TimedMigration } from '../migrations/migrator.ts';
import { analyseSql } from '../migrations/sql-analysis.ts';
import { rehearseRestore, withRehearsalCopy } from './restore-rehearsal.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';

export interface RollbackCycleOptions {
  readonly sourceUrl: string;
  readonly migrationsDirectory: string;
  readonly schema: string;
  /** Version to roll back to (`none`/`0`: before the first); default the version before the last migration. */
  readonly target?: string | undefined;
  /** A row written before the rollback that must survive it; left out, only the existing rows are judged. */
  readonly probe?: { readonly table: string; readonly row: Readonly<Record<string, string>> } | undefined;
  readonly backupDirectory: string;
  readonly label: string;
  /** Schema of the migrator's bookkeeping tables on the source (and so on the copy); default `public`. */
  readonly bookkeepingSchema?: string | undefined;
  /**
   * The run's rehearsal server (see `rehearsal-server.ts`): the copy is made there instead of on a
   * server of its own. With `template`, a database on that server that holds exactly the source's
   * state, the copy is a `TEMPLATE` clone of it and no backup is taken: the run's restore when the
   * source is still what the pre-migration `backup` holds (a staging run that applied nothing), or a
   * clone `local` made of its seeded database before the suites connected.
   */
  readonly rehearsal?:
    | {
        readonly serverUrl: string;
        readonly template?: {
          readonly database: string;
          /** The backup the template was restored from, when it was. */
          readonly backup?: { readonly path: string; readonly bytes: number };
        };
      }
    | undefined;
}

/** Where the isolated copy's data came from: a backup of the source, or a clone of a database holding it. */
export type CycleSource =
  | { readonly kind: 'backup'; readonly path: string; readonly bytes: number }
  | { readonly kind: 'clone'; readonly template: string };

/** A step of the cycle: what it produced, why it failed, or why it was not run. */
export type CycleStep<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: 'not-run'; readonly reason: string };

/** What the rollback will revert, decided on the isolated copy before anything runs. */
export interface RollbackCyclePlan {
  readonly from: string | null;
  /** The resolved target; null is "before the first migration". */
  readonly target: string | null;
  /** Migrations to revert, newest first. */
  readonly toRevert: readonly string[];
  /** Relations the reverted migrations create: legitimately gone after the rollback. */
  readonly createdByReverted: readonly string[];
  /** Columns (`table.column`) the reverted migrations add to tables: legitimately gone too. */
  readonly columnsAddedByReverted: readonly string[];
  /** Missing files, missing or empty down scripts: each one sentence naming the file. */
  readonly problems: readonly string[];
  /** Down scripts edited since their migration was applied (rehearsed as they are now). */
  readonly editedDownFiles: readonly string[];
}

/** Everything the CE-27 rollback cycle observed, for the suite to assert on. */
export interface RollbackCycleRecord {
  /** The target as configured, or the default (`none` when there is one migration). */
  readonly target: string;
  readonly backup: CycleStep<CycleSource>;
  /** Mirror after the probe row was written. */
  readonly before: CycleStep<DatabaseSnapshot>;
  readonly plan: CycleStep<RollbackCyclePlan>;
  /**
   * What the rollback must preserve: `before` without the columns the reverted migrations add (the
   * same snapshot when they add none), fingerprinted before the rollback runs.
   */
  readonly beforeAtTarget: CycleStep<DatabaseSnapshot>;
  readonly rollback: CycleStep<{
    readonly reverted: readonly TimedMigration[];
    readonly version: string | null;
  }>;
  /** `probeRows` is null when the probe's table is gone after the rollback. */
  readonly afterRollback: CycleStep<{
    readonly snapshot: DatabaseSnapshot;
    readonly probeRows: number | null;
  }>;
  readonly reapply: CycleStep<{
    readonly applied: readonly TimedMigration[];
    readonly version: string | null;
  }>;
  /** Without the columns the reverted migrations add, as {@link beforeAtTarget}. */
  readonly afterReapply: CycleStep<DatabaseSnapshot>;
}

async function attempt<T>(work: () => Promise<T>): Promise<CycleStep<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

function notRun(reason: string): { readonly ok: 'not-run'; readonly reason: string } {
  return { ok: 'not-run', reason };
}

/** After a step that failed, the later ones fail too, saying why. */
const notReached = { ok: false, error: 'not reached: an earlier step failed' } as const;

async function countProbe(client: pg.Client, options: RollbackCycleOptions): Promise<number | null> {
  const probe = options.probe;
  if (probe === undefined) return null;
  const exists = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
    qualifiedName(options.schema, probe.table),
  ]);
  if (exists.rows[0]?.present !== true) return null;
  const columns = Object.keys(probe.row);
  const where = columns.map((column, index) => `${quoteIdent(column)} = $${index + 1}`).join(' AND ');
  const result = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${qualifiedName(options.schema, probe.table)} WHERE ${where}`,
    Object.values(probe.row),
  );
  return Number(result.rows[0]?.n ?? 0);
}

async function planCycle(migrator: Migrator, target: string): Promise<RollbackCyclePlan> {
  const plan = await migrator.planRollback(target);
  const status = await migrator.status();
  const created = new Set<string>();
  const addedColumns = new Set<string>();
  for (const step of plan.steps) {
    if (step.migration === undefined) continue;
    const analysis = await analyseSql(step.migration.upSql);
    if (!analysis.ok) continue;
    for (const statement of analysis.statements) {
      for (const name of statement.creates) created.add(name);
      for (const column of statement.addsColumns) addedColumns.add(column);
    }
  }
  const problems = plan.steps.flatMap((step) => (step.problem === undefined ? [] : [step.problem]));
  return {
    from: plan.from,
    target: plan.target,
    toRevert: plan.steps.map((step) => step.name),
    createdByReverted: [...created].sort(),
    // A column of a table the reverted migrations create goes with its table.
    columnsAddedByReverted: [...addedColumns]
      .filter((column) => !created.has(column.split('.')[0] ?? ''))
      .sort(),
    problems,
    editedDownFiles: plan.steps
      .filter((step) => status.downDrifted.includes(step.name))
      .map((step) => step.migration?.downFile ?? step.name),
  };
}

/**
 * The plan's full rollback cycle, on an isolated copy so the source is never touched: back the
 * source up, restore it into a throw-away embedded server, write a probe row, check that every
 * migration to revert has a down script, roll back to the target version, check, migrate forward
 * again, check.
 */
export async function runRollbackCycle(options: RollbackCycleOptions): Promise<RollbackCycleRecord> {
  const target = await resolveTarget(options);
  const rehearsal = options.rehearsal;
  const template = rehearsal?.template;
  const backup = await attempt(async (): Promise<CycleSource> => {
    if (template?.backup !== undefined) return { kind: 'backup', ...template.backup };
    if (template !== undefined) return { kind: 'clone', template: template.database };
    const file = await createBackup(options.sourceUrl, options.backupDirectory, options.label);
    return { kind: 'backup', path: file.path, bytes: file.bytes };
  });
  let record: Omit<RollbackCycleRecord, 'backup' | 'target'> = {
    before: notReached,
    plan: notReached,
    beforeAtTarget: notReached,
    rollback: notReached,
    afterRollback: notReached,
    reapply: notReached,
    afterReapply: notReached,
  };
  if (backup.ok !== true) return { target, backup, ...record };
  const copySource = backup.value;
  const onCopy = async (work: (mirror: { readonly url: string }) => Promise<void>): Promise<void> => {
    if (rehearsal === undefined) {
      if (copySource.kind !== 'backup') throw new Error('a clone needs the rehearsal server it is on');
      await rehearseRestore(copySource.path, options.sourceUrl, work);
      return;
    }
    const on = { serverUrl: rehearsal.serverUrl, sourceUrl: options.sourceUrl };
    const source =
      template !== undefined
        ? { ...on, template: template.database }
        : copySource.kind === 'backup'
          ? { ...on, backupFile: copySource.path }
          : { ...on, template: copySource.template };
    await withRehearsalCopy(source, 'ce27_cycle', work);
  };
  const restore = await attempt(() =>
    onCopy(async (mirror) => {
      const client = await connectClient(mirror.url);
      try {
        const probe = options.probe;
        const bookkeepingSchema = options.bookkeepingSchema ?? DEFAULT_BOOKKEEPING_SCHEMA;
        const migrator = new Migrator({
          databaseUrl: mirror.url,
          directory: options.migrationsDirectory,
          bookkeepingSchema,
        });
        const before = await attempt(async () => {
          // A staging run that only dry-ran its pending migrations copied the database before them:
          // the copy takes them first, so the cycle rehearses their down files (none pending: no-op).
          await migrator.migrate().catch((error: unknown) => {
            throw new Error(`bringing the copy to the latest migration failed: ${errorMessage(error)}`);
          });
          if (probe !== undefined) {
            const columns = Object.keys(probe.row);
            await client.query(
              `INSERT INTO ${qualifiedName(options.schema, probe.table)} (${columns.map(quoteIdent).join(', ')})
               VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
              Object.values(probe.row),
            );
          }
          return takeSnapshot(client);
        });
        record = { ...record, before };
        if (before.ok !== true) return;
        const plan = await attempt(() => planCycle(migrator, target));
        record = { ...record, plan };
        if (plan.ok !== true) return;
        const added = plan.value.columnsAddedByReverted;
        const beforeAtTarget =
          added.length === 0
            ? before
            : await attempt(() => takeSnapshot(client, undefined, { excludeColumns: added }));
        record = { ...record, beforeAtTarget };
        if (plan.value.problems.length > 0) {
          const reason = `the rollback was not run: ${plan.value.problems.join('; ')}`;
          record = {
            ...record,
            rollback: notRun(reason),
            afterRollback: notRun(reason),
            reapply: notRun(reason),
            afterReapply: notRun(reason),
          };
          return;
        }
        const rollback = await attempt(async () => {
          // The cycle rehearses the down scripts as they are now; edited ones are reported, not refused.
          const result = await migrator.rollback({ to: target, acceptEditedDownFiles: true });
          return { reverted: result.reverted, version: result.to };
        });
        record = { ...record, rollback };
        if (rollback.ok !== true) return;
        const afterRollback = await attempt(async () => ({
          snapshot: await takeSnapshot(client),
          probeRows: await countProbe(client, options),
        }));
        const reapply = await attempt(async () => {
          const result = await migrator.migrate();
          return { applied: result.applied, version: await readVersion(client, bookkeepingSchema) };
        });
        // Compared with `beforeAtTarget`: a column the rollback dropped comes back empty, by design.
        const afterReapply =
          reapply.ok === true
            ? await attempt(() => takeSnapshot(client, undefined, { excludeColumns: added }))
            : notReached;
        record = { ...record, afterRollback, reapply, afterReapply };
      } finally {
        await client.end();
      }
    }),
  );
  if (restore.ok === false && record.before.ok !== true) {
    return {
      target,
      backup,
      ...record,
      before: { ok: false, error: `restore of the backup failed: ${restore.error}` },
    };
  }
  return { target, backup, ...record };
}

async function resolveTarget(options: RollbackCycleOptions): Promise<string> {
  if (options.target !== undefined) return options.target;
  try {
    return defaultRollbackTarget(await loadMigrations(options.migrationsDirectory));
  } catch {
    // The plan step loads the directory again and reports why it cannot be read.
    return 'none';
  }
}
