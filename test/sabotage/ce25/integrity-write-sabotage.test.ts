import { describe, test } from 'vitest';
import { CE25, runSabotageCase } from '../ce24/sabotage-case.ts';

// Nothing here shares a gate run: all three break clauses, and the audit and insert-visible probes
// both write a clause as the application (an insert-only policy fails the audit probe's insert too,
// the retyped column shapes both probes' rows). One run each, the rehearsal on the shared server
// (runSabotageCase).
describe('sabotage: structure, writes and audit (CE-25)', () => {
  test('the audit trigger disabled fails ce25.integrity.audit.<table>', async () => {
    await runSabotageCase({
      sql: 'ce25/audit-trigger-disabled.sql',
      suites: [CE25],
      mustFail: ['ce25.integrity.audit.clauses'],
    });
  });

  test('a clause column of another type fails ce25.integrity.columns.clauses', async () => {
    await runSabotageCase({
      sql: 'ce25/clause-column-changed.sql',
      suites: [CE25],
      mustFail: ['ce25.integrity.columns.clauses'],
    });
  });

  test('clauses the application can insert but not read fail ce25.integrity.insert-visible.clauses', async () => {
    await runSabotageCase({
      sql: 'ce25/clause-insert-invisible.sql',
      suites: [CE25],
      mustFail: ['ce25.integrity.insert-visible.clauses'],
    });
  });
});
