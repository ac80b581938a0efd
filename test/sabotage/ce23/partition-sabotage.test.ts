import { describe, expect, inject, test } from 'vitest';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { CE23_SUITES, applySabotage, expectSabotageCaught } from './ce23-sabotage-case.ts';

/** The reference plus a partitioned tenant table (partitioned-table.sql), then `more` SQL files. */
async function gatePartitioned(more: readonly string[]) {
  await using db = await createScratchDatabase(inject('adminUrl'), {
    template: inject('templateDatabase'),
    prefix: 'mg_ce23_partition',
  });
  for (const file of ['partitioned-table.sql', ...more]) await applySabotage(db.url, file);
  return await runGate({ databaseUrl: db.url, files: CE23_SUITES, rehearsalUrl: inject('adminUrl') });
}

describe('partitions of a tenant table (CE-23)', () => {
  test('clean negative: RLS on the partitioned parent, the partitions reached only through it, fails nothing', async () => {
    const outcome = await gatePartitioned([]);
    expect(outcome.failed).toEqual([]);
    expect(outcome.checks.find((check) => check.id === 'ce23.rls.events.partitions')?.status).toBe('passed');
    expect(outcome.checks.find((check) => check.id === 'ce23.rls.events.select-other-tenant')?.status).toBe(
      'passed',
    );
  });

  test('a partition granted to the application with RLS off fails ce23.rls.events.partitions', async () => {
    const outcome = await gatePartitioned(['partition-granted.sql']);
    expectSabotageCaught(outcome, { mustFail: ['ce23.rls.events.partitions'] });
    expect(outcome.reasons.join('\n')).toContain('ce23.rls.events.partitions');
  });
});
