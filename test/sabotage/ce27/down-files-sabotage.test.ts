import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { copyMigrations } from '../../support/migrations-copy.ts';
import { expectChecksFailed, runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const template = inject('templateDatabase');

/** Gates a migrated copy whose down files were removed or emptied; up files stay, so no checksum drifts. */
async function gateWithDownFiles(changes: Readonly<Record<string, string | null>>, prepare?: string) {
  await using db = await createScratchDatabase(adminUrl, { template });
  if (prepare !== undefined) {
    const client = await connectClient(db.url);
    try {
      await client.query(prepare);
    } finally {
      await client.end();
    }
  }
  await using copy = await copyMigrations(changes);
  return await runGate({
    databaseUrl: db.url,
    files: ['suites/ce27-rollback.test.ts'],
    migrationsDirectory: copy.directory,
  });
}

const LATER_CHECKS = [
  'ce27.rollback.version',
  'ce27.rollback.tables-present',
  'ce27.rollback.data-preserved',
  'ce27.rollback.reapplied',
  'ce27.rollback.cycle-restores',
];

describe('sabotage: down files (CE-27)', () => {
  test('a missing down file is one failure, ce27.rollback.executed, naming the file; the rest not applicable', async () => {
    const outcome = await gateWithDownFiles({ '004_indexes_optimization.down.sql': null });
    expectChecksFailed(outcome, ['ce27.rollback.executed']);
    expect(outcome.failed).toEqual(['ce27.rollback.executed']);
    expect(outcome.readiness).toContain('004_indexes_optimization.down.sql');
    const later = outcome.checks.filter((check) => LATER_CHECKS.includes(check.id));
    expect(later.map((check) => check.status)).toEqual(LATER_CHECKS.map(() => 'not-applicable'));
  });

  test('an empty down file is one failure, ce27.rollback.executed, naming the file', async () => {
    const outcome = await gateWithDownFiles({ '005_audit_logging.down.sql': '\n-- nothing to undo\n' });
    expectChecksFailed(outcome, ['ce27.rollback.executed']);
    expect(outcome.failed).toEqual(['ce27.rollback.executed']);
    expect(outcome.readiness).toContain('005_audit_logging.down.sql is empty');
  });

  test('control: a down file missing for a migration the rollback does not reach changes nothing', async () => {
    // The rollback to 003 reverts 005 and 004 only; 002 keeping no down file is not CE-27's concern.
    const outcome = await gateWithDownFiles({ '002_rls_policies.down.sql': null });
    expect(outcome.failed).toEqual([]);
    expect(outcome.checks.filter((check) => check.status === 'passed')).toHaveLength(6);
  });

  test('a down file that drops a table no reverted migration created loses its data: ce27.rollback.data-preserved', async () => {
    // Not a tenant table, so only the data check can see it go.
    const reference = await fs.readFile(path.resolve('migrations/004_indexes_optimization.down.sql'), 'utf8');
    const outcome = await gateWithDownFiles(
      { '004_indexes_optimization.down.sql': `${reference}\nDROP TABLE public.legacy_notes;\n` },
      `CREATE TABLE public.legacy_notes (id int PRIMARY KEY, body text);
       INSERT INTO public.legacy_notes VALUES (1, 'kept by the target version');`,
    );
    expectChecksFailed(outcome, ['ce27.rollback.data-preserved']);
    expect(outcome.failed).not.toContain('ce27.rollback.tables-present');
  });
});
