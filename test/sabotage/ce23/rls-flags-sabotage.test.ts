import { describe, expect, inject, test } from 'vitest';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { fileURLToPath } from 'node:url';
import { CE23_SUITES, applySabotage, describeCe23Batch } from './ce23-sabotage-case.ts';

const FORCE_NOT_REQUIRED_CONFIG = fileURLToPath(
  new URL('../configs/force-not-required.gate.config.ts', import.meta.url),
);

// The control and the clean negatives assert that nothing (or a named check) failed, on the tables
// and checks the sabotages break, or under another config: one run each.
describe('sabotage: RLS flags and coverage (CE-23) — control and clean negatives', () => {
  test('control: the untouched reference schema fails no CE-23 check', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    const outcome = await runGate({
      databaseUrl: db.url,
      files: CE23_SUITES,
      rehearsalUrl: inject('adminUrl'),
    });
    // Only CE-23 ran, so required gates 1 and 2 are NOT RUN and the verdict is NO-GO regardless.
    expect(outcome.failed).toEqual([]);
    expect(outcome.checks.filter((check) => check.id.startsWith('ce23.')).length).toBeGreaterThan(200);
  });

  test('clean negative: with forceRlsTables: [] FORCE is not required, so its checks are not applicable, not failed', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await applySabotage(db.url, 'force-removed.sql');
    const outcome = await runGate({
      databaseUrl: db.url,
      files: CE23_SUITES,
      rehearsalUrl: inject('adminUrl'),
      env: { MIGRATION_GATE_CONFIG: FORCE_NOT_REQUIRED_CONFIG },
    });
    expect(outcome.failed).toEqual([]);
    const statusOf = (id: string): string | undefined =>
      outcome.checks.find((check) => check.id === id)?.status;
    expect(statusOf('ce23.rls.force-count')).toBe('not-applicable');
    expect(statusOf('ce23.rls.clauses.forced')).toBe('not-applicable');
    expect(statusOf('ce23.rls.clauses.enabled')).toBe('passed');
  });

  test('clean negative: the same table with RLS, FORCE and a policy passes ce23.rls.other-schemas', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await applySabotage(db.url, 'other-schema-with-rls.sql');
    const outcome = await runGate({
      databaseUrl: db.url,
      files: CE23_SUITES,
      rehearsalUrl: inject('adminUrl'),
    });
    expect(outcome.checks.find((check) => check.id === 'ce23.rls.other-schemas')?.status).toBe('passed');
  });
});

// Documents (RLS off: the enabled count), clauses (FORCE off: the force count) and a second schema:
// different tables and different aggregate checks, so one gate run judges all three.
describeCe23Batch('sabotage: RLS flags and coverage (CE-23) — disabled, forced, other schemas', [
  {
    name: 'RLS disabled on documents fails ce23.rls.documents.enabled, the count, and the behaviour probes',
    sql: 'rls-disabled.sql',
    mustFail: [
      'ce23.rls.enabled-count',
      'ce23.rls.documents.enabled',
      'ce23.rls.documents.select-other-tenant',
      'ce23.rls.documents.update-other-tenant',
      'ce23.rls.documents.delete-other-tenant',
      'ce23.rls.documents.select-no-tenant',
    ],
    mayAlsoFail: ['ce23.rls.documents.'],
  },
  {
    name: 'FORCE removed from clauses fails ce23.rls.clauses.forced and the force count',
    sql: 'force-removed.sql',
    mustFail: ['ce23.rls.force-count', 'ce23.rls.clauses.forced'],
  },
  {
    name: 'a tenant table in another schema without RLS fails ce23.rls.other-schemas',
    sql: 'other-schema-without-rls.sql',
    mustFail: ['ce23.rls.other-schemas'],
  },
]);

// The new table fails both counts, so it cannot share a run with the two above; the renamed tenant
// key (ai_usage_logs, with CE-20's config check) touches neither count nor invoices.
describeCe23Batch('sabotage: RLS flags and coverage (CE-23) — a new table, a lost tenant key', [
  {
    name: 'a new tenant table without RLS is discovered, synthesised, and fails ce23.rls.invoices.*',
    sql: 'new-tenant-table-without-rls.sql',
    mustFail: [
      'ce23.rls.enabled-count',
      'ce23.rls.force-count',
      'ce23.rls.invoices.enabled',
      'ce23.rls.invoices.has-policy',
      'ce23.rls.invoices.forced',
      'ce23.rls.invoices.select-other-tenant',
      'ce23.rls.invoices.update-other-tenant',
      'ce23.rls.invoices.delete-other-tenant',
      'ce23.rls.invoices.insert-other-tenant',
      'ce23.rls.invoices.select-no-tenant',
    ],
    mayAlsoFail: ['ce23.rls.invoices.'],
    // Rows for the unknown table were synthesised from the catalog: its own writes work.
    mustPass: ['ce23.rls.invoices.write-own-tenant'],
  },
  {
    name: 'a listed table that lost its tenant key fails ce20.config.matches-schema, ce23.rls.expected-tables-present and its own checks',
    sql: 'tenant-key-renamed.sql',
    alsoSuites: ['suites/ce20-environment.test.ts'],
    mustFail: [
      'ce20.config.matches-schema',
      'ce23.rls.expected-tables-present',
      'ce23.rls.ai_usage_logs.select-own-tenant',
    ],
    mayAlsoFail: ['ce23.rls.ai_usage_logs.'],
    also: (outcome) => {
      // The config check says it in one sentence, naming table, column and config field.
      const configCheck = outcome.checks.find((check) => check.id === 'ce20.config.matches-schema');
      expect(configCheck?.errors?.map((error) => error.message).join('\n')).toContain(
        'tenancy.tenantTables lists "ai_usage_logs", which has no column "tenant_id" (tenancy.tenantKey)',
      );
    },
  },
]);
