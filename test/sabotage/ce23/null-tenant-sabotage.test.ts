import { describe, expect, inject, test } from 'vitest';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';
import { CE23_SUITES, applySabotage, runCe23Sabotage } from './ce23-sabotage-case.ts';

const NULL_TENANT_CHECK = 'ce23.rls.ai_usage_logs.null-tenant-row';

describe('sabotage: rows without a tenant (CE-23)', () => {
  test('a policy that shares NULL-tenant rows with every tenant fails the NULL-tenant probe', async () => {
    await runCe23Sabotage({
      sql: 'null-tenant-shared.sql',
      mustFail: [NULL_TENANT_CHECK, 'ce23.rls.ai_usage_logs.select-own-tenant'],
      // The same USING also opens the row with no tenant set, and the catalog names the IS NULL branch.
      mayAlsoFail: ['ce23.rls.ai_usage_logs.'],
    });
  });

  test('clean negative: a nullable tenant key under a correct policy keeps every CE-23 check passing', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
      prefix: 'mg_ce23_null_clean',
    });
    await applySabotage(db.url, 'null-tenant-clean.sql');
    const outcome = await runGate({
      databaseUrl: db.url,
      files: CE23_SUITES,
      rehearsalUrl: inject('adminUrl'),
    });
    expect(outcome.failed, 'CE-23 checks that failed on a correct nullable-key policy').toEqual([]);
    expect(outcome.checks.find((check) => check.id === NULL_TENANT_CHECK)?.status).toBe('passed');
  });
});
