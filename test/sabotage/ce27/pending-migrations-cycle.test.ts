import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { Migrator } from '../../../helpers/migrations/migrator.ts';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

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
    const version = outcome.checks.find((check) => check.id === 'ce22.migrations.version');
    expect(version?.errors?.map((error) => error.message).join('\n')).toMatch(
      /at 003: 004_indexes_optimization, 005_audit_logging pending and only dry-run/,
    );
    const ce27 = outcome.checks.filter((check) => check.id.startsWith('ce27.'));
    expect(ce27.map((check) => `${check.id}: ${check.status}`)).toEqual(
      ce27.map((check) => `${check.id}: passed`),
    );
    expect(ce27.length).toBe(6);
  });
});
