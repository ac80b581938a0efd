import { fileURLToPath } from 'node:url';
import { describe, expect, inject, test } from 'vitest';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { CE25, describeFkIntegrityBatch, runSabotageCase } from '../ce24/sabotage-case.ts';

// ai_usage_logs (a NULL tenant key), tenants (a row from the future) and bom_items (no updated_at,
// the one case on the timestamp-columns check): three tables, so one gate run judges all three.
describeFkIntegrityBatch(
  'sabotage: data integrity (CE-25) — ai_usage_logs, tenants, bom_items',
  [CE25],
  [
    {
      name: 'a NULL tenant key fails ce25.integrity.null-tenant-key.<table>',
      sql: 'ce25/null-tenant-key.sql',
      mustFail: ['ce25.integrity.null-tenant-key.ai_usage_logs'],
    },
    {
      name: 'a timestamp a day ahead fails ce25.integrity.future-timestamps.<table>',
      sql: 'ce25/future-timestamp.sql',
      mustFail: ['ce25.integrity.future-timestamps.tenants'],
    },
    {
      name: 'a tenant table without updated_at fails ce25.integrity.timestamp-columns',
      sql: 'ce25/timestamp-column-dropped.sql',
      mustFail: ['ce25.integrity.timestamp-columns'],
    },
  ],
);

// Another row on tenants, judged by the timestamps like the future one: a run of its own, so each
// tenants check turns red for its own row.
describe('sabotage: data integrity (CE-25) — timestamp order', () => {
  test('updated before created fails ce25.integrity.timestamp-order.<table>', async () => {
    await runSabotageCase({
      sql: 'ce25/timestamp-order.sql',
      suites: [CE25],
      mustFail: ['ce25.integrity.timestamp-order.tenants'],
    });
  });
});

// A config of its own, and it asserts that nothing failed: one run.
describe('clean negative: a config without the optional CE-25 inputs (CE-25)', () => {
  test('audit trail, expected columns, linkages, insert probes and timestamps are not applicable, never failed', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    const outcome = await runGate({
      databaseUrl: db.url,
      files: [CE25],
      rehearsalUrl: inject('adminUrl'),
      env: {
        MIGRATION_GATE_CONFIG: fileURLToPath(
          new URL('../configs/no-optional-sections.gate.config.ts', import.meta.url),
        ),
      },
    });
    expect(outcome.failed).toEqual([]);
    const statusOf = (id: string): string | undefined =>
      outcome.checks.find((check) => check.id === id)?.status;
    for (const id of [
      'ce25.integrity.audit',
      'ce25.integrity.columns',
      'ce25.integrity.linkage',
      'ce25.integrity.insert-visible',
      'ce25.integrity.timestamp-columns',
    ]) {
      expect(statusOf(id), id).toBe('not-applicable');
    }
    // What needs no config still ran: NULL tenant keys are scanned on every tenant table.
    expect(statusOf('ce25.integrity.null-tenant-key.clauses')).toBe('passed');
  });
});
