import { describe, expect, test } from 'vitest';
import { CE24, CE25, runSabotageCase } from './sabotage-case.ts';

// Nothing here shares a gate run: the control asserts that nothing failed; the count sabotage drops
// keys on most tables (documents_project_id_fkey among them) and fails critical keys and the cascade
// scenario too; the other three each rewrite documents_project_id_fkey or its index (one table, one
// key, and the index case asserts it is the only failure). One run each, the rehearsal on the shared
// server (runSabotageCase).
describe('sabotage: foreign-key schema (CE-24)', () => {
  test('control: the reference schema fails no CE-24 or CE-25 check', async () => {
    const outcome = await runSabotageCase({ sql: '', suites: [CE24, CE25], mustFail: [] });
    expect(outcome.failed).toEqual([]);
    expect(outcome.checks.length).toBeGreaterThan(150);
  });

  test('all but 14 foreign keys dropped fails ce24.fk.count', async () => {
    await runSabotageCase({
      sql: 'ce24/fk-count-below-minimum.sql',
      suites: [CE24],
      mustFail: ['ce24.fk.count'],
    });
  });

  test('a key re-added NOT VALID over orphans fails ce24.fk.validated and its orphan check', async () => {
    await runSabotageCase({
      sql: 'ce24/not-valid-over-orphans.sql',
      suites: [CE24],
      mustFail: ['ce24.fk.validated', 'ce24.fk.orphans.documents_project_id_fkey'],
    });
  });

  test('the index behind a key dropped fails ce24.fk.index.<constraint>', async () => {
    const outcome = await runSabotageCase({
      sql: 'ce24/fk-index-dropped.sql',
      suites: [CE24],
      mustFail: ['ce24.fk.index.documents_project_id_fkey'],
    });
    expect(outcome.failed).toEqual(['ce24.fk.index.documents_project_id_fkey']);
  });

  test('a critical key re-declared ON DELETE RESTRICT fails ce24.fk.critical.<constraint>', async () => {
    await runSabotageCase({
      sql: 'ce24/cascade-redeclared.sql',
      suites: [CE24],
      mustFail: ['ce24.fk.critical.documents_project_id_fkey'],
    });
  });
});
