import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { quoteIdent } from '../../../helpers/db/sql-identifier.ts';
import { copyMigrations } from '../../support/migrations-copy.ts';
import { runGate, type GateOutcome } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { CE23_SUITES, describeCe23Batch, expectSabotageCaught, runCe23Batch } from './ce23-sabotage-case.ts';

/** Drops cluster-wide roles a sabotage created (its database is gone by then, so nothing depends on them). */
async function dropRoles(...roles: readonly string[]): Promise<void> {
  const client = await connectClient(inject('adminUrl'));
  try {
    for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
  } finally {
    await client.end();
  }
}

/** Every check of the CE-23 privileges suite passed (or was not applicable), none failed. */
function expectPrivilegesClean(outcome: GateOutcome): void {
  const privileges = outcome.checks.filter((check) => check.id.startsWith('ce23.privileges.'));
  expect(privileges.length, 'the privileges suite ran').toBeGreaterThan(20);
  expect(outcome.failed, 'no CE-23 check failed on a correct schema written another way').toEqual([]);
  expect(outcome.decision === 'NO-GO' ? outcome.reasons.filter((r) => r.includes('ce23.')) : []).toEqual([]);
}

/** Clones the template, applies `sql`, runs CE-23 with one more pending migration applied. */
async function runWithPendingMigration(
  files: Readonly<Record<string, string>>,
  apply = true,
  config?: string,
): Promise<GateOutcome> {
  await using db = await createScratchDatabase(inject('adminUrl'), {
    template: inject('templateDatabase'),
    prefix: 'mg_ce23_diff',
  });
  await using migrations = await copyMigrations(files);
  // Awaited here: the database and the copy are disposed when this function returns.
  return await runGate({
    databaseUrl: db.url,
    files: CE23_SUITES,
    migrationsDirectory: migrations.directory,
    rehearsalUrl: inject('adminUrl'),
    env: {
      MIGRATION_GATE_APPLY: apply ? '1' : undefined,
      ...(config === undefined ? {} : { MIGRATION_GATE_CONFIG: config }),
    },
  });
}

const WIDENING_MIGRATION = {
  '006_widen_access.up.sql': [
    'GRANT SELECT ON public.tenants TO PUBLIC;',
    'CREATE POLICY documents_reporting ON public.documents AS PERMISSIVE FOR SELECT TO postgres USING (true);',
  ].join('\n'),
  '006_widen_access.down.sql': [
    'DROP POLICY documents_reporting ON public.documents;',
    'REVOKE SELECT ON public.tenants FROM PUBLIC;',
  ].join('\n'),
};

// The sabotages touch different tables or different database-wide properties (default privileges,
// the bookkeeping table, a function, the audit table): one gate run judges all eight.
describeCe23Batch(
  'sabotage: privileges outside RLS (CE-23)',
  [
    {
      name: 'TRUNCATE granted on documents fails ce23.privileges.documents.outside-rls',
      sql: 'priv-truncate-granted.sql',
      mustFail: ['ce23.privileges.documents.outside-rls'],
    },
    {
      name: 'TRIGGER granted to PUBLIC on clauses fails ce23.privileges.clauses.outside-rls',
      sql: 'priv-trigger-to-public.sql',
      mustFail: ['ce23.privileges.clauses.outside-rls'],
    },
    {
      name: 'REFERENCES through a role the app role is a member of fails ce23.privileges.projects.outside-rls',
      sql: 'priv-references-via-member-role.sql',
      mustFail: ['ce23.privileges.projects.outside-rls'],
    },
    {
      name: 'a column grant of UPDATE (tenant_id) fails ce23.privileges.stakeholders.tenant-key-update',
      sql: 'priv-tenant-key-column-update.sql',
      mustFail: ['ce23.privileges.stakeholders.tenant-key-update'],
    },
    {
      name: 'default privileges to PUBLIC fail ce23.privileges.default-privileges',
      sql: 'priv-default-privileges.sql',
      mustFail: ['ce23.privileges.default-privileges'],
    },
    {
      name: 'SELECT on the migration history fails ce23.privileges.bookkeeping-tables',
      sql: 'priv-bookkeeping-select.sql',
      mustFail: ['ce23.privileges.bookkeeping-tables'],
    },
    {
      name: 'a SECURITY DEFINER function without a pinned search_path fails ce23.privileges.security-definer-search-path',
      sql: 'priv-definer-unpinned.sql',
      mustFail: ['ce23.privileges.security-definer-search-path'],
    },
    {
      name: 'DELETE on the audit table (through PUBLIC) fails ce23.privileges.audit-append-only',
      sql: 'priv-audit-delete.sql',
      mustFail: ['ce23.privileges.audit-append-only'],
      also: (outcome) => expect(outcome.readiness).toContain('ce23.privileges.audit-append-only'),
    },
  ],
  { cleanup: () => dropRoles('mg_priv_sabotage_helper') },
);

// A pending migration of their own (applied, or only dry-run): one run each.
describe('sabotage: a widening pending migration (CE-23)', () => {
  test('a widening pending migration (grant to PUBLIC, new permissive policy) fails ce23.privileges.security-changes', async () => {
    const outcome = await runWithPendingMigration(WIDENING_MIGRATION);
    expectSabotageCaught(outcome, { mustFail: ['ce23.privileges.security-changes'] });
  });

  test('the same widening migration only dry-run (a staging run that does not apply) still fails security-changes', async () => {
    const outcome = await runWithPendingMigration(WIDENING_MIGRATION, false);
    expectSabotageCaught(outcome, { mustFail: ['ce23.privileges.security-changes'] });
  });
});

// The clean rewrites touch different tables (documents and stakeholders, two functions, extractions)
// and each asserts that nothing failed: one run of their own, apart from the sabotages.
describe('clean negatives: privileges written another way stay green (CE-23)', () => {
  let outcome: GateOutcome | undefined;
  beforeAll(async () => {
    outcome = await runCe23Batch(
      ['priv-clean-grants.sql', 'priv-definer-pinned.sql', 'priv-read-only-table.sql'],
      { prefix: 'mg_ce23_clean' },
    );
  });
  afterAll(async () => {
    await dropRoles('mg_priv_clean_reader', 'mg_priv_clean_admin');
  });
  const shared = (): GateOutcome => {
    if (outcome === undefined) throw new Error('the clean batch gate run did not finish (see beforeAll)');
    return outcome;
  };

  test('column-level UPDATE without the tenant key, SELECT via a member role, grants to unrelated roles', () => {
    expectPrivilegesClean(shared());
  });

  test('a SECURITY DEFINER function with a pinned search_path, and one the app cannot execute', () => {
    expectPrivilegesClean(shared());
  });

  test('a read-only tenant table: writes refused by privilege are expected, not failures', () => {
    expectPrivilegesClean(shared());
    expect(shared().checks.find((c) => c.id === 'ce23.rls.extractions.write-own-tenant')?.status).toBe(
      'passed',
    );
  });
});

describe('clean negatives: a narrowing pending migration (CE-23)', () => {
  test('a narrowing pending migration (restrictive policy, acknowledged revoked DELETE) passes ce23.privileges.security-changes and app-access-kept', async () => {
    const outcome = await runWithPendingMigration(
      {
        '006_narrow_access.up.sql': [
          'CREATE POLICY documents_own_tenant_only ON public.documents AS RESTRICTIVE FOR ALL TO c2pro_app',
          "    USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);",
          'REVOKE DELETE ON public.ai_usage_logs FROM c2pro_app;',
        ].join('\n'),
        '006_narrow_access.down.sql': [
          'GRANT DELETE ON public.ai_usage_logs TO c2pro_app;',
          'DROP POLICY documents_own_tenant_only ON public.documents;',
        ].join('\n'),
      },
      true,
      fileURLToPath(new URL('../configs/revoked-delete.gate.config.ts', import.meta.url)),
    );
    expect(outcome.checks.find((c) => c.id === 'ce23.privileges.security-changes')?.status).toBe('passed');
    // The revoked DELETE is a loss of access the config acknowledges with its reason.
    expect(outcome.checks.find((c) => c.id === 'ce23.privileges.app-access-kept')?.status).toBe('passed');
    expectPrivilegesClean(outcome);
  });
});
