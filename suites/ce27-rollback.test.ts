import { describe, expect, test } from 'vitest';
import { compareSnapshots, type DatabaseSnapshot } from '../helpers/run/database-snapshot.ts';
import { bookkeepingSchemaOf, bookkeepingTableNames } from '../helpers/migrations/migration-history.ts';
import { FOREIGN_HISTORY_TABLES } from '../helpers/migrations/foreign-history.ts';
import { formatMs } from '../helpers/migrations/migrator.ts';
import type { CycleStep } from '../helpers/run/rollback-cycle.ts';
import {
  WELL_KNOWN_CHECK_IDS,
  defineCheck,
  defineWellKnownCheck,
  notApplicable,
  type CheckRecorder,
  type SkippableContext,
} from '../reports/check-meta.ts';
import './support/database.ts';
import './setup/prepare-rehearsal.ts';
import { gateSettings } from './support/gate-settings.ts';
import { rollbackCycle } from './support/rollback-cycle-run.ts';

const settings = gateSettings();
// Started by CE-20 when the run includes it, so it has usually finished by now.
const cycle = await rollbackCycle();

/**
 * The migrator's own bookkeeping, and the history of a team's tool it keeps in step (dbmate's or
 * golang-migrate's `schema_migrations`, Flyway's), change with every rollback; only the data counts.
 */
const BOOKKEEPING = new Set(bookkeepingTableNames(bookkeepingSchemaOf(settings.migrations)));
const isBookkeeping = (table: string): boolean =>
  BOOKKEEPING.has(table) || FOREIGN_HISTORY_TABLES.includes(bareName(table));

function dataOnly(snapshot: DatabaseSnapshot): DatabaseSnapshot {
  return { ...snapshot, tables: snapshot.tables.filter((table) => !isBookkeeping(table.table)) };
}

/** `public.tenants` → `tenants`: the parser names created relations without their schema. */
function bareName(table: string): string {
  return table.slice(table.lastIndexOf('.') + 1);
}

/**
 * A step's value; a failed step fails the check with its error, a step that was not run (the
 * rollback was refused up front, and another check says why) makes this check not applicable.
 */
function valueOf<T>(step: CycleStep<T>, what: string, context: SkippableContext, check: CheckRecorder): T {
  if (step.ok === 'not-run') return notApplicable(context, check, `${what}: ${step.reason}`);
  if (step.ok === false) expect.fail(`${what}: ${step.error}`);
  return step.value;
}

describe(`CE-27 rollback cycle on an isolated copy (to ${cycle.target} and forward again)`, () => {
  test('rollback script runs without errors', ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.executed', ce: 'CE-27' });
    const source = valueOf(cycle.backup, 'backup of the source', { skip }, check);
    check.measureAll(
      source.kind === 'backup'
        ? { source: source.path, bytes: source.bytes }
        : { source: `TEMPLATE clone of the seeded database (${source.template})` },
    );
    valueOf(cycle.before, 'isolated copy with the probe row', { skip }, check);
    const plan = valueOf(cycle.plan, 'rollback plan', { skip }, check);
    check.measureAll({
      target: cycle.target,
      from: plan.from ?? 'none',
      toRevert: [...plan.toRevert],
      editedDownFiles: [...plan.editedDownFiles],
    });
    check.offending(plan.problems);
    if (plan.problems.length > 0) expect.fail(plan.problems.join('; '));
    const rollback = valueOf(cycle.rollback, 'rollback', { skip }, check);
    check.measure(
      'reverted',
      rollback.reverted.map((step) => `${step.name}: ${formatMs(step.durationMs)}`),
    );
    expect(rollback.reverted.length).toBeGreaterThan(0);
  });

  test('schema version matches the rollback target', ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.version', ce: 'CE-27' });
    const rollback = valueOf(cycle.rollback, 'rollback', { skip }, check);
    const plan = valueOf(cycle.plan, 'rollback plan', { skip }, check);
    // Before the first migration there is no version at all (alembic_version is empty), not '0'.
    check.measureAll({ version: rollback.version ?? 'none', target: plan.target ?? 'none' });
    expect(rollback.version).toBe(plan.target);
  });

  test('all expected tables present after the rollback', ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.tables-present', ce: 'CE-27' });
    const after = valueOf(cycle.afterRollback, 'state after rollback', { skip }, check);
    const plan = valueOf(cycle.plan, 'rollback plan', { skip }, check);
    const created = new Set(plan.createdByReverted);
    // A tenant table that a reverted migration creates is legitimately gone at the target version.
    const expected = settings.tenancy.tenantTables.filter((table) => !created.has(table));
    const excused = settings.tenancy.tenantTables.filter((table) => created.has(table));
    check.measureAll({ expected: expected.length, createdByRevertedMigrations: excused });
    if (expected.length === 0) {
      notApplicable(
        { skip },
        check,
        `every tenant table is created by a migration the rollback to ${cycle.target} reverts, so none is expected after it`,
      );
    }
    const present = new Set(after.snapshot.tables.map((table) => table.table));
    const missing = expected.filter((table) => !present.has(`${settings.schema}.${table}`));
    check.offending(missing);
    expect(missing).toEqual([]);
  });

  test('no data loss: every surviving table keeps its rows, and the probe row survives', ({ task, skip }) => {
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.rollbackDataPreserved);
    // Without the columns the reverted migrations add: their data goes with them, by design.
    const before = valueOf(cycle.beforeAtTarget, 'state before rollback', { skip }, check);
    const after = valueOf(cycle.afterRollback, 'state after rollback', { skip }, check);
    const plan = valueOf(cycle.plan, 'rollback plan', { skip }, check);
    const created = new Set(plan.createdByReverted);
    const difference = compareSnapshots(dataOnly(before), dataOnly(after.snapshot));
    // A table the rolled-back migrations created is legitimately gone; any other must be intact.
    const changed = difference.tables.filter((table) => table.after !== null);
    const lost = difference.tables.filter(
      (table) => table.after === null && !created.has(bareName(table.table)),
    );
    const dropped = difference.tables
      .filter((table) => table.after === null && created.has(bareName(table.table)))
      .map((table) => table.table);
    const kept = dataOnly(before).tables.filter((table) => !created.has(bareName(table.table)));
    const probe = settings.migrations.rollbackProbe;
    const probeExpected = probe !== undefined && !created.has(probe.table);
    check.measureAll({
      probeRows: after.probeRows,
      tablesCompared: kept.length,
      // The rows the comparison covered: a cycle over empty tables proves no data survives anything.
      rowsCompared: kept.reduce((total, table) => total + table.rows, 0),
      droppedTables: dropped,
      droppedColumns: plan.columnsAddedByReverted,
    });
    if (kept.length === 0 && !probeExpected) {
      notApplicable(
        { skip },
        check,
        `the rollback to ${cycle.target} predates every table, so no data is expected to survive it`,
      );
    }
    check.offending([...changed, ...lost]);
    if (probeExpected) expect(after.probeRows, 'the probe row survives the rollback').toBe(1);
    expect(changed).toEqual([]);
    expect(lost).toEqual([]);
  });

  test('migrating forward again reaches the expected version', ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.reapplied', ce: 'CE-27' });
    const reapply = valueOf(cycle.reapply, 'migrating forward after the rollback', { skip }, check);
    check.measureAll({
      version: reapply.version,
      expected: settings.migrations.expectedVersion,
      applied: reapply.applied.map((step) => `${step.name}: ${formatMs(step.durationMs)}`),
    });
    expect(reapply.version).toBe(settings.migrations.expectedVersion);
  });

  test('after the full cycle the schema and every surviving row are as before it (down files restore exactly)', ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: 'ce27.rollback.cycle-restores', ce: 'CE-27' });
    const before = valueOf(cycle.beforeAtTarget, 'state before rollback', { skip }, check);
    const afterRollback = valueOf(cycle.afterRollback, 'state after rollback', { skip }, check);
    const after = valueOf(cycle.afterReapply, 'state after migrating forward again', { skip }, check);
    // Tables the rollback dropped come back as the migrations create them; their old rows are not expected.
    const survived = new Set(afterRollback.snapshot.tables.map((table) => table.table));
    const difference = compareSnapshots(dataOnly(before), dataOnly(after));
    const changed = difference.tables.filter((table) => survived.has(table.table));
    check.measureAll({
      schemaBefore: before.schemaChecksum,
      schemaAfter: after.schemaChecksum,
      recreatedTables: difference.tables
        .filter((table) => !survived.has(table.table))
        .map((table) => table.table),
    });
    check.offending(changed);
    expect(changed).toEqual([]);
    expect(after.schemaChecksum).toBe(before.schemaChecksum);
  });
});
