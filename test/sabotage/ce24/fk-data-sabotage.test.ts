import { describe, expect, test } from 'vitest';
import { CE24, CE25, runSabotageCase } from './sabotage-case.ts';

describe('sabotage: foreign-key data and behaviour (CE-24)', () => {
  test('a dropped key with orphan rows fails the critical-key and linkage checks', async () => {
    await runSabotageCase({
      sql: 'ce24/dropped-fk-with-orphans.sql',
      suites: [CE24, CE25],
      mustFail: [
        'ce24.fk.critical.alerts_analysis_id_fkey',
        'ce25.integrity.linkage.alerts.analysis_id',
        'ce25.integrity.linkage.alerts.source_clause_id',
      ],
    });
  });

  test('orphans written with FK triggers off fail ce24.fk.orphans.<constraint>', async () => {
    const outcome = await runSabotageCase({
      sql: 'ce24/orphans-under-valid-fk.sql',
      suites: [CE24],
      mustFail: ['ce24.fk.orphans.clauses_document_id_fkey'],
    });
    // The key is still VALID: only the anti-join on data finds the orphans.
    expect(outcome.failed).not.toContain('ce24.fk.validated');
  });

  test('a child row in another tenant than its parent fails ce24.fk.same-tenant.<constraint>', async () => {
    await runSabotageCase({
      sql: 'ce24/cross-tenant-child.sql',
      suites: [CE24],
      mustFail: ['ce24.fk.same-tenant.documents_project_id_fkey'],
    });
  });

  test('a trigger that skips the declared cascade fails ce24.fk.delete-behaviour.<constraint>', async () => {
    await runSabotageCase({
      sql: 'ce24/cascade-overridden.sql',
      suites: [CE24],
      mustFail: ['ce24.fk.delete-behaviour.documents_project_id_fkey'],
    });
  });

  test("a rule that swallows deletes fails the plan's tenant cascade test", async () => {
    await runSabotageCase({
      sql: 'ce24/tenant-cascade-overridden.sql',
      suites: [CE24],
      mustFail: ['ce24.fk.cascade-scenario', 'ce24.fk.delete-behaviour.projects_tenant_id_fkey'],
    });
  });
});
