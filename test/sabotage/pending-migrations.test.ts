import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { copyMigrations } from '../support/migrations-copy.ts';
import { errorsOf, runGate } from '../support/run-gate.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

describe('a staging run that only dry-runs its pending migrations (CE-22 version, CE-27)', () => {
  test('the copy takes the pending migrations first, so the cycle reverts them and re-applies them: every CE-27 check passes', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    // The staging database before the deploy: 004 and 005 pending.
    await new Migrator({ databaseUrl: db.url, directory: path.resolve('migrations') }).rollback({
      to: '003',
    });
    const outcome = await runGate({
      databaseUrl: db.url,
      files: ['suites/ce22-migration-execution.test.ts', 'suites/ce27-rollback.test.ts'],
      rehearsalUrl: inject('adminUrl'),
    });
    // The version is still 003, and the check says why in words, not only "003 ≠ 005".
    expect(outcome.failed).toEqual(['ce22.migrations.version']);
    expect(errorsOf(outcome, 'ce22.migrations.version')).toMatch(
      /at 003: 004_indexes_optimization, 005_audit_logging pending and only dry-run/,
    );
    const ce27 = outcome.checks.filter((check) => check.id.startsWith('ce27.'));
    expect(ce27.map((check) => `${check.id}: ${check.status}`)).toEqual(
      ce27.map((check) => `${check.id}: passed`),
    );
    expect(ce27.length).toBe(6);
  });

  test('a tenant table a pending migration creates: its checks say it is not there yet, its leak paths are not applicable', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await new Migrator({ databaseUrl: db.url, directory: path.resolve('migrations') }).rollback({
      to: '005',
    });
    await using copy = await copyMigrations({
      '006_attachments.up.sql': `CREATE TABLE public.attachments (
          tenant_id uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
        CREATE INDEX attachments_tenant_idx ON public.attachments (tenant_id);
        ALTER TABLE public.attachments ENABLE ROW LEVEL SECURITY;
        ALTER TABLE public.attachments FORCE ROW LEVEL SECURITY;
        CREATE POLICY attachments_tenant ON public.attachments TO c2pro_app
          USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
        GRANT SELECT, INSERT ON public.attachments TO c2pro_app;`,
      '006_attachments.down.sql': 'DROP TABLE public.attachments;',
    });
    const outcome = await runGate({
      databaseUrl: db.url,
      files: ['suites/ce23-rls-catalog.test.ts'],
      migrationsDirectory: copy.directory,
      rehearsalUrl: inject('adminUrl'),
      env: { MIGRATION_GATE_CONFIG: path.resolve('test/sabotage/configs/pending-table.gate.config.ts') },
    });
    const check = (id: string) => outcome.checks.find((candidate) => candidate.id === id);
    expect(errorsOf(outcome, 'ce23.rls.attachments.enabled')).toMatch(
      /attachments does not exist in schema public \(006_attachments pending and only dry-run/,
    );
    for (const path of [
      'views-security-invoker',
      'materialized-views',
      'security-definer-functions',
      'partitions',
    ])
      expect(check(`ce23.rls.attachments.${path}`)?.status, path).toBe('not-applicable');
  });
});
