import type pg from 'pg';
import { connectClient } from './database-connection.ts';
import { createBackup } from './database-backup.ts';
import { takeSnapshot, type DatabaseSnapshot } from './database-snapshot.ts';
import { errorMessage } from './gate-error.ts';
import { readVersion } from './migrations/migration-history.ts';
import { Migrator, type TimedMigration } from './migrations/migrator.ts';
import { rehearseRestore } from './restore-rehearsal.ts';
import { qualifiedName, quoteIdent } from './sql-identifier.ts';

export interface RollbackCycleOptions {
  readonly sourceUrl: string;
  readonly migrationsDirectory: string;
  readonly schema: string;
  readonly target: string;
  readonly probe: { readonly table: string; readonly row: Readonly<Record<string, string>> };
  readonly backupDirectory: string;
  readonly label: string;
}

/** A step of the cycle: what it produced, or why it failed. */
export type CycleStep<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Everything the CE-27 rollback cycle observed, for the suite to assert on. */
export interface RollbackCycleRecord {
  readonly backup: CycleStep<{ readonly path: string; readonly bytes: number }>;
  /** Mirror after the probe row was written: what the rollback must preserve. */
  readonly before: CycleStep<DatabaseSnapshot>;
  readonly rollback: CycleStep<{
    readonly reverted: readonly TimedMigration[];
    readonly version: string | null;
  }>;
  readonly afterRollback: CycleStep<{ readonly snapshot: DatabaseSnapshot; readonly probeRows: number }>;
  readonly reapply: CycleStep<{
    readonly applied: readonly TimedMigration[];
    readonly version: string | null;
  }>;
  readonly afterReapply: CycleStep<DatabaseSnapshot>;
}

async function attempt<T>(work: () => Promise<T>): Promise<CycleStep<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

const notReached = { ok: false, error: 'not reached: an earlier step failed' } as const;

async function countProbe(client: pg.Client, options: RollbackCycleOptions): Promise<number> {
  const columns = Object.keys(options.probe.row);
  const where = columns.map((column, index) => `${quoteIdent(column)} = $${index + 1}`).join(' AND ');
  const result = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${qualifiedName(options.schema, options.probe.table)} WHERE ${where}`,
    Object.values(options.probe.row),
  );
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * The plan's full rollback cycle, on an isolated copy so the source is never touched: back the
 * source up, restore it into a throw-away embedded server, write a probe row, roll back to the
 * target version, check, migrate forward again, check.
 */
export async function runRollbackCycle(options: RollbackCycleOptions): Promise<RollbackCycleRecord> {
  const backup = await attempt(async () => {
    const file = await createBackup(options.sourceUrl, options.backupDirectory, options.label);
    return { path: file.path, bytes: file.bytes };
  });
  if (!backup.ok) {
    return {
      backup,
      before: notReached,
      rollback: notReached,
      afterRollback: notReached,
      reapply: notReached,
      afterReapply: notReached,
    };
  }
  let record: Omit<RollbackCycleRecord, 'backup'> = {
    before: notReached,
    rollback: notReached,
    afterRollback: notReached,
    reapply: notReached,
    afterReapply: notReached,
  };
  const restore = await attempt(() =>
    rehearseRestore(backup.value.path, options.sourceUrl, async (mirror) => {
      const client = await connectClient(mirror.url);
      try {
        const columns = Object.keys(options.probe.row);
        const before = await attempt(async () => {
          await client.query(
            `INSERT INTO ${qualifiedName(options.schema, options.probe.table)} (${columns.map(quoteIdent).join(', ')})
             VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
            Object.values(options.probe.row),
          );
          return takeSnapshot(client);
        });
        record = { ...record, before };
        if (!before.ok) return;
        const migrator = new Migrator({ databaseUrl: mirror.url, directory: options.migrationsDirectory });
        const rollback = await attempt(async () => {
          const result = await migrator.rollback({ to: options.target });
          return { reverted: result.reverted, version: result.to };
        });
        record = { ...record, rollback };
        if (!rollback.ok) return;
        const afterRollback = await attempt(async () => ({
          snapshot: await takeSnapshot(client),
          probeRows: await countProbe(client, options),
        }));
        const reapply = await attempt(async () => {
          const result = await migrator.migrate();
          return { applied: result.applied, version: await readVersion(client) };
        });
        const afterReapply = reapply.ok ? await attempt(() => takeSnapshot(client)) : notReached;
        record = { ...record, afterRollback, reapply, afterReapply };
      } finally {
        await client.end();
      }
    }),
  );
  if (!restore.ok && !record.before.ok) {
    return {
      backup,
      ...record,
      before: { ok: false, error: `restore of the backup failed: ${restore.error}` },
    };
  }
  return { backup, ...record };
}
