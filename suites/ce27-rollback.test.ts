import { describe, expect, inject, test } from 'vitest';
import { compareSnapshots, type DatabaseSnapshot } from '../helpers/database-snapshot.ts';
import { HISTORY_TABLE, VERSION_TABLE } from '../helpers/migrations/migration-history.ts';
import { formatMs } from '../helpers/migrations/migrator.ts';
import { runRollbackCycle, type CycleStep } from '../helpers/rollback-cycle.ts';
import { defineCheck } from '../reports/check-meta.ts';
import './support/database.ts';
import { backupDirectory, gateSettings, migrationsDirectory } from './support/gate-settings.ts';

const settings = gateSettings();
const run = inject('gateRun');
const cycle = await runRollbackCycle({
  sourceUrl: inject('databaseUrl'),
  migrationsDirectory: migrationsDirectory(),
  schema: settings.schema,
  target: settings.migrations.rollbackTarget,
  probe: settings.migrations.rollbackProbe,
  backupDirectory: backupDirectory(),
  label: `${run.project}_rollback_source`,
});

/** The migrator's own bookkeeping changes with every rollback; only the data of the schema counts. */
const BOOKKEEPING = new Set([`public.${VERSION_TABLE}`, `public.${HISTORY_TABLE}`]);

function dataOnly(snapshot: DatabaseSnapshot): DatabaseSnapshot {
  return { ...snapshot, tables: snapshot.tables.filter((table) => !BOOKKEEPING.has(table.table)) };
}

function valueOf<T>(step: CycleStep<T>, what: string): T {
  if (!step.ok) expect.fail(`${what}: ${step.error}`);
  return step.value;
}

describe(`CE-27 rollback cycle on an isolated copy (to ${settings.migrations.rollbackTarget} and forward again)`, () => {
  test('rollback script runs without errors', ({ task }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.executed', ce: 'CE-27' });
    const backup = valueOf(cycle.backup, 'backup of the source');
    check.measureAll({ source: backup.path, bytes: backup.bytes });
    valueOf(cycle.before, 'isolated copy with the probe row');
    const rollback = valueOf(cycle.rollback, 'rollback');
    check.measure(
      'reverted',
      rollback.reverted.map((step) => `${step.name}: ${formatMs(step.durationMs)}`),
    );
    expect(rollback.reverted.length).toBeGreaterThan(0);
  });

  test('schema version matches the rollback target', ({ task }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.version', ce: 'CE-27' });
    const rollback = valueOf(cycle.rollback, 'rollback');
    check.measureAll({ version: rollback.version, target: settings.migrations.rollbackTarget });
    expect(rollback.version).toBe(settings.migrations.rollbackTarget);
  });

  test('all expected tables present after the rollback', ({ task }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.tables-present', ce: 'CE-27' });
    const after = valueOf(cycle.afterRollback, 'state after rollback');
    const present = new Set(after.snapshot.tables.map((table) => table.table));
    const missing = settings.tenancy.tenantTables.filter(
      (table) => !present.has(`${settings.schema}.${table}`),
    );
    check.offending(missing);
    expect(missing).toEqual([]);
  });

  test('no data loss: every surviving table keeps its rows, and the probe row survives', ({ task }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.data-preserved', ce: 'CE-27' });
    const before = valueOf(cycle.before, 'state before rollback');
    const after = valueOf(cycle.afterRollback, 'state after rollback');
    const difference = compareSnapshots(dataOnly(before), dataOnly(after.snapshot));
    // A table the rolled-back migrations created is legitimately gone; a surviving one must be intact.
    const changed = difference.tables.filter((table) => table.after !== null);
    const dropped = difference.tables.filter((table) => table.after === null).map((table) => table.table);
    check.measureAll({
      probeRows: after.probeRows,
      tablesCompared: before.tables.length,
      droppedTables: dropped,
    });
    check.offending(changed);
    expect(after.probeRows).toBe(1);
    expect(changed).toEqual([]);
  });

  test('migrating forward again reaches the expected version', ({ task }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.reapplied', ce: 'CE-27' });
    const reapply = valueOf(cycle.reapply, 'migrating forward after the rollback');
    check.measureAll({
      version: reapply.version,
      expected: settings.migrations.expectedVersion,
      applied: reapply.applied.map((step) => `${step.name}: ${formatMs(step.durationMs)}`),
    });
    expect(reapply.version).toBe(settings.migrations.expectedVersion);
  });

  test('after the full cycle the schema and every row are as before it (down files restore exactly)', ({
    task,
  }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.cycle-restores', ce: 'CE-27' });
    const before = valueOf(cycle.before, 'state before rollback');
    const after = valueOf(cycle.afterReapply, 'state after migrating forward again');
    const difference = compareSnapshots(dataOnly(before), dataOnly(after));
    check.measureAll({ schemaBefore: before.schemaChecksum, schemaAfter: after.schemaChecksum });
    check.offending(difference.tables);
    expect(difference.tables).toEqual([]);
    expect(after.schemaChecksum).toBe(before.schemaChecksum);
  });
});
