import { describe, expect, inject, test } from 'vitest';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { CE23_SUITES, applySabotage, describeCe23Batch } from './ce23-sabotage-case.ts';

// Six tables (alerts, stakeholders, users, wbs_items, projects, analyses), one weakened policy each: one
// gate run judges all six. The only wide `mayAlsoFail` is alerts' own prefix, which no other case touches.
describeCe23Batch('sabotage: weakened policies (CE-23)', [
  {
    name: 'an extra permissive USING (true) policy on alerts fails its cross-tenant probes',
    sql: 'permissive-using-true.sql',
    mustFail: [
      // The parsed policy has an unscoped branch: the policy analysis names it too.
      'ce23.rls.alerts.policy-analysis',
      'ce23.rls.alerts.select-own-tenant',
      'ce23.rls.alerts.select-other-tenant',
      'ce23.rls.alerts.update-other-tenant',
      'ce23.rls.alerts.delete-other-tenant',
      'ce23.rls.alerts.select-no-tenant',
      'ce23.rls.alerts.other-tenant-unchanged',
      // USING (true) on a permissive policy: the catalog check names it too.
      'ce23.rls.alerts.policies-keyed-on-tenant',
    ],
    mayAlsoFail: ['ce23.rls.alerts.'],
  },
  {
    name: 'an INSERT policy WITH CHECK (true) on stakeholders fails its insert probes',
    sql: 'insert-with-check-true.sql',
    mustFail: [
      // The parsed policy has an unscoped branch: the policy analysis names it too.
      'ce23.rls.stakeholders.policy-analysis',
      'ce23.rls.stakeholders.insert-other-tenant',
      'ce23.rls.stakeholders.insert-no-tenant',
      'ce23.rls.stakeholders.other-tenant-unchanged',
      // WITH CHECK (true) on a permissive policy: the catalog check names it too.
      'ce23.rls.stakeholders.policies-keyed-on-tenant',
    ],
  },
  {
    name: 'a users policy that falls back to all rows when the setting is missing fails the no-tenant probes',
    sql: 'missing-setting-fallback.sql',
    mustFail: [
      // The parsed policy has an unscoped branch: the policy analysis names it too.
      'ce23.rls.users.policy-analysis',
      'ce23.rls.users.select-no-tenant',
      'ce23.rls.users.insert-no-tenant',
      'ce23.rls.users.update-no-tenant',
      'ce23.rls.users.delete-no-tenant',
    ],
  },
  {
    name: 'an UPDATE policy WITH CHECK (true) on wbs_items fails ce23.rls.wbs_items.update-move-to-other-tenant',
    sql: 'update-with-check-true.sql',
    // WITH CHECK (true) on a permissive policy: the catalog check names it too.
    mustFail: [
      // The parsed policy has an unscoped branch: the policy analysis names it too.
      'ce23.rls.wbs_items.policy-analysis',
      'ce23.rls.wbs_items.update-move-to-other-tenant',
      'ce23.rls.wbs_items.policies-keyed-on-tenant',
    ],
  },
  {
    name: 'a per-command DELETE policy USING (true) on projects fails ce23.rls.projects.delete-other-tenant',
    sql: 'delete-using-true.sql',
    mustFail: [
      // The parsed policy has an unscoped branch: the policy analysis names it too.
      'ce23.rls.projects.policy-analysis',
      'ce23.rls.projects.delete-other-tenant',
      'ce23.rls.projects.delete-no-tenant',
      'ce23.rls.projects.policies-keyed-on-tenant',
    ],
  },
  {
    name: 'a per-command UPDATE policy USING (true) on analyses fails ce23.rls.analyses.update-other-tenant',
    sql: 'update-using-true.sql',
    mustFail: [
      // The parsed policy has an unscoped branch: the policy analysis names it too.
      'ce23.rls.analyses.policy-analysis',
      'ce23.rls.analyses.update-other-tenant',
      'ce23.rls.analyses.update-no-tenant',
      'ce23.rls.analyses.policies-keyed-on-tenant',
      // With no WITH CHECK, USING (true) also checks the new row: A's WHERE-less move to B reaches
      // every tenant's rows and fails on their foreign keys instead of the policy.
      'ce23.rls.analyses.update-move-to-other-tenant',
    ],
  },
  {
    name: 'the same UPDATE policy on stakeholders, where only some columns are granted (never the tenant key), fails ce23.rls.stakeholders.update-other-tenant',
    sql: 'update-using-true-column-grants.sql',
    mustFail: [
      'ce23.rls.stakeholders.policy-analysis',
      'ce23.rls.stakeholders.update-other-tenant',
      'ce23.rls.stakeholders.update-no-tenant',
      'ce23.rls.stakeholders.policies-keyed-on-tenant',
    ],
    // Its other probes (the move, the own-tenant writes) meet the column grants; only this table's.
    mayAlsoFail: ['ce23.rls.stakeholders.'],
  },
]);

// The clean negative asserts that nothing failed, on alerts (which a sabotage above breaks): its own run.
describe('clean negative: weakened policies (CE-23)', () => {
  test('clean negative: the same USING (true) under a RESTRICTIVE floor keyed on the tenant fails no check', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    await applySabotage(db.url, 'permissive-true-under-floor.sql');
    const outcome = await runGate({
      databaseUrl: db.url,
      files: CE23_SUITES,
      rehearsalUrl: inject('adminUrl'),
    });
    expect(outcome.failed).toEqual([]);
    expect(
      outcome.checks.find((check) => check.id === 'ce23.rls.alerts.policies-keyed-on-tenant')?.status,
    ).toBe('passed');
  });

  // INSERT revoked on a table is no longer a failure: the own-tenant control expects what the
  // privileges grant (see test/sabotage/ce23/privileges-sabotage.test.ts, the read-only clean negative).
});
