import { describe, expect, test } from 'vitest';
import { CE24, CE25, describeFkIntegrityBatch, runSabotageCase } from './sabotage-case.ts';

// Alerts (keys dropped over an orphan), clauses (orphans under a valid key) and documents (a plain key
// with a cross-tenant child): three tables, each case's checks its own, so one gate run (CE-24 and
// CE-25, for the alert linkages) judges all three.
describeFkIntegrityBatch(
  'sabotage: foreign-key data (CE-24) — alerts, clauses, documents',
  [CE24, CE25],
  [
    {
      name: 'a dropped key with orphan rows fails the critical-key and linkage checks',
      sql: 'ce24/dropped-fk-with-orphans.sql',
      mustFail: [
        'ce24.fk.critical.alerts_analysis_id_fkey',
        'ce25.integrity.linkage.alerts.analysis_id',
        'ce25.integrity.linkage.alerts.source_clause_id',
      ],
    },
    {
      name: 'orphans written with FK triggers off fail ce24.fk.orphans.<constraint>',
      sql: 'ce24/orphans-under-valid-fk.sql',
      mustFail: ['ce24.fk.orphans.clauses_document_id_fkey'],
      // The key is still VALID: only the anti-join on data finds the orphans (and no other case of
      // this run leaves a key NOT VALID).
      also: (outcome) => expect(outcome.failed).not.toContain('ce24.fk.validated'),
    },
    {
      name: 'a child row in another tenant than its parent fails ce24.fk.same-tenant.<constraint>',
      sql: 'ce24/cross-tenant-child.sql',
      mustFail: ['ce24.fk.same-tenant.documents_project_id_fkey'],
      // The plain project_id key is open to the cross-tenant probe too.
      mayAlsoFail: ['ce24.fk.cross-tenant.documents_project_id_fkey'],
    },
  ],
);

// A trigger that keeps documents and a rule that keeps projects each break the delete behaviour of
// nearly every key (every cascade from tenants runs through them) and both fail the cascade
// scenario: one run each.
describe('sabotage: foreign-key behaviour (CE-24)', () => {
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
