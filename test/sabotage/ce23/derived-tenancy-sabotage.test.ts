import { fileURLToPath } from 'node:url';
import { describe, expect, inject, test } from 'vitest';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { errorsOf, runGate } from '../../support/run-gate.ts';
import { applySabotage, CE23_SUITES, describeCe23Batch } from './ce23-sabotage-case.ts';

// Tables without the tenant key, isolated through their parents (ce23-rls-derived). The clean case is
// two such tables written two ways (EXISTS on the parent; IN over a derived parent, two hops, with no
// UPDATE granted); the sabotages are a policy that forgot the parent and a table with no RLS at all.
const PROPERTIES = [
  'select-other-tenant',
  'select-no-tenant',
  'insert-other-tenant',
  'update-other-tenant',
  'delete-other-tenant',
  'update-move-to-other-tenant',
] as const;

const SHARED_CHILD_CONFIG = fileURLToPath(
  new URL('../configs/shared-child-table.gate.config.ts', import.meta.url),
);

describe('clean negative: children isolated through their parents (CE-23)', () => {
  test('two derived tables, one and two hops from documents, fail nothing and pass every probe; a declared shared child is not applicable', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
      prefix: 'mg_ce23_derived',
    });
    await applySabotage(db.url, 'derived-clean.sql');
    // document_notes is USING (true), declared shared in tenancy.sharedChildTables: said, not failed.
    await applySabotage(db.url, 'derived-using-true.sql');
    const outcome = await runGate({
      databaseUrl: db.url,
      files: CE23_SUITES,
      rehearsalUrl: inject('adminUrl'),
      env: { MIGRATION_GATE_CONFIG: SHARED_CHILD_CONFIG },
    });
    expect(outcome.failed).toEqual([]);
    const status = (id: string): string | undefined =>
      outcome.checks.find((check) => check.id === id)?.status;
    expect(status('ce23.rls.derived-tables')).toBe('passed');
    for (const table of ['document_comments', 'comment_reactions']) {
      for (const property of ['select-own-tenant', ...PROPERTIES]) {
        expect(status(`ce23.rls.${table}.${property}`), `ce23.rls.${table}.${property}`).toBe('passed');
      }
    }
    for (const property of PROPERTIES) {
      expect(status(`ce23.rls.document_notes.${property}`), `ce23.rls.document_notes.${property}`).toBe(
        'not-applicable',
      );
    }
  });
});

describeCe23Batch('sabotage: children isolated through their parents (CE-23)', [
  {
    name: 'a child whose policy is USING (true) fails every cross-tenant and no-tenant probe of document_notes',
    sql: 'derived-using-true.sql',
    mustFail: PROPERTIES.map((property) => `ce23.rls.document_notes.${property}`),
    mustPass: ['ce23.rls.document_notes.select-own-tenant'],
  },
  {
    name: 'a child with no row-level security fails every cross-tenant and no-tenant probe of clause_tags',
    sql: 'derived-rls-off.sql',
    mustFail: [
      ...PROPERTIES.map((property) => `ce23.rls.clause_tags.${property}`),
      'ce23.rls.derived-tables',
    ],
    mustPass: ['ce23.rls.clause_tags.select-own-tenant'],
    also: (outcome) =>
      expect(errorsOf(outcome, 'ce23.rls.derived-tables')).toContain(
        'clause_tags: row-level security is disabled',
      ),
  },
  {
    name: 'a definer view, a SECURITY DEFINER function, TRUNCATE and no FORCE around a correctly isolated child fail its leak-path checks',
    sql: 'derived-leak-paths.sql',
    mustFail: [
      'ce23.rls.analysis_notes.views-security-invoker',
      'ce23.rls.analysis_notes.security-definer-functions',
      'ce23.privileges.analysis_notes.outside-rls',
    ],
    mustPass: PROPERTIES.map((property) => `ce23.rls.analysis_notes.${property}`),
    // The aggregate check clause_tags fails too: each case is asserted by the table it names.
    mayAlsoFail: ['ce23.rls.derived-tables'],
    also: (outcome) =>
      expect(errorsOf(outcome, 'ce23.rls.derived-tables')).toContain(
        'analysis_notes: FORCE ROW LEVEL SECURITY is not set',
      ),
  },
  {
    name: 'a child with an UPDATE policy USING (true), only its body granted for UPDATE, fails ce23.rls.alert_notes.update-other-tenant',
    sql: 'derived-update-column-grants.sql',
    mustFail: ['ce23.rls.alert_notes.update-other-tenant'],
    mustPass: [
      'ce23.rls.alert_notes.select-other-tenant',
      'ce23.rls.alert_notes.update-move-to-other-tenant',
    ],
  },
  {
    name: 'a child whose policy hides every row fails the control ce23.rls.extraction_notes.select-own-tenant',
    sql: 'derived-using-false.sql',
    mustFail: ['ce23.rls.extraction_notes.select-own-tenant'],
    mustPass: PROPERTIES.map((property) => `ce23.rls.extraction_notes.${property}`),
  },
]);
