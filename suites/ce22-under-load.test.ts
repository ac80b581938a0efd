import { describe, expect, inject, test } from 'vitest';
import {
  DEFAULT_MAX_EXCLUSIVE_LOCK_MS,
  type MigrationLoadRecord,
} from '../helpers/load/migrations-under-load.ts';
import { checkId, defineCheck, notApplicable } from '../reports/check-meta.ts';
import type { StepOutcome } from './setup/gate-run-record.ts';
import './setup/migration-load-record.ts';
import { gateSettings } from './support/gate-settings.ts';

const settings = gateSettings();
const maxExclusiveMs = settings.performance?.maxExclusiveLockMs ?? DEFAULT_MAX_EXCLUSIVE_LOCK_MS;
// Only the `local` setup provides it: staging never re-applies migrations to a database others use.
const load: StepOutcome<MigrationLoadRecord> | undefined = inject('migrationLoad');
const record = load?.ok === true ? load.value : undefined;

describe('CE-22 migrations under load (tenant workload while the migrations apply)', () => {
  if (record === undefined || record.migrations.length === 0 || record.tenants.length === 0) {
    test('migrations under a concurrent tenant workload', ({ task, skip }) => {
      const check = defineCheck(task, { id: checkId('CE-22', 'load', 'migrations'), ce: 'CE-22' });
      if (load === undefined) {
        notApplicable(
          { skip },
          check,
          'only the local project rehearses the migrations under a workload (on a seeded clone); this run did not',
        );
      }
      if (load.ok === false) expect.fail(`the rehearsal under load failed: ${load.error}`);
      if (load.ok === 'not-run') notApplicable({ skip }, check, load.reason);
      if (record?.tenants.length === 0) {
        notApplicable(
          { skip },
          check,
          'the tenant tables hold no rows, so no tenant workload ran and no lock was taken on data',
        );
      }
      notApplicable(
        { skip },
        check,
        'no migration comes after the rollback target, so none was applied under load',
      );
    });
    return;
  }
  for (const migration of record.migrations) {
    test(`${migration.name}: ACCESS EXCLUSIVE on a populated table at most ${maxExclusiveMs} ms, no workload error`, ({
      task,
    }) => {
      const check = defineCheck(task, { id: checkId('CE-22', 'load', migration.name), ce: 'CE-22' });
      const exclusive = migration.locks.filter(
        (lock) => lock.mode === 'AccessExclusiveLock' && lock.populated,
      );
      const longest = exclusive[0];
      check.measureAll({
        durationMs: migration.durationMs,
        rolledBackTo: record.from,
        tenants: record.tenants,
        workloadTables: record.tables,
        operations: migration.workload.operations,
        longestWaitMs: migration.workload.longestWaitMs,
        workloadErrors: migration.workload.errors,
        privilegeLostOn: migration.workload.revoked,
        longestExclusiveLockMs: longest?.heldMs ?? 0,
        longestExclusiveLockOn: longest?.relation ?? null,
        maxExclusiveLockMs: maxExclusiveMs,
        sampleIntervalMs: record.sampleIntervalMs,
      });
      check.metric({ value: longest?.heldMs ?? 0, unit: 'ms', budget: maxExclusiveMs });
      check.inventory(
        'Locks held',
        migration.locks.map((lock) => ({
          relation: lock.relation,
          mode: lock.mode,
          heldMs: lock.heldMs,
          samples: lock.samples,
          populated: lock.populated,
        })),
      );
      const over = exclusive.filter((lock) => lock.heldMs > maxExclusiveMs);
      check.offending(over.map((lock) => ({ relation: lock.relation, heldMs: lock.heldMs })));
      expect(
        over.map((lock) => lock.relation),
        `${migration.name} held ACCESS EXCLUSIVE on populated ${over.map((lock) => `${lock.relation} for ${lock.heldMs} ms`).join(', ')} (limit ${maxExclusiveMs} ms, performance.maxExclusiveLockMs): every request to it waited meanwhile (longest ${migration.workload.longestWaitMs} ms); rewrite it without a table rewrite (add a column and backfill, CREATE INDEX CONCURRENTLY outside a transaction)`,
      ).toEqual([]);
      expect(migration.workload.errors, `the workload saw errors while ${migration.name} applied`).toEqual(
        [],
      );
    });
  }
});
