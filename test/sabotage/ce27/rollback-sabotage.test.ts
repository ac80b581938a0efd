import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { copyMigrations } from '../../support/migrations-copy.ts';
import { expectChecksFailed, runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const template = inject('templateDatabase');
const reference004Down = await fs.readFile(
  path.resolve('migrations/004_indexes_optimization.down.sql'),
  'utf8',
);

/** Gates a migrated copy whose down files were altered; up files stay, so no checksum drifts. */
async function gateWithDownFiles(changes: Readonly<Record<string, string | null>>) {
  await using db = await createScratchDatabase(adminUrl, { template });
  await using copy = await copyMigrations(changes);
  return await runGate({
    databaseUrl: db.url,
    files: ['suites/ce27-rollback.test.ts'],
    migrationsDirectory: copy.directory,
  });
}

describe('sabotage: rollback (CE-27)', () => {
  test('control: the reference down files pass the whole cycle', async () => {
    const outcome = await gateWithDownFiles({});
    expect(outcome.failed).toEqual([]);
    expect(outcome.checks).toHaveLength(6);
  });

  test('a down file that fails fails ce27.rollback.executed and ce27.rollback.version', async () => {
    const outcome = await gateWithDownFiles({ '005_audit_logging.down.sql': 'SELECT 1 / 0;\n' });
    expectChecksFailed(outcome, ['ce27.rollback.executed', 'ce27.rollback.version']);
  });

  test('a down file that deletes data fails ce27.rollback.data-preserved', async () => {
    const outcome = await gateWithDownFiles({
      '004_indexes_optimization.down.sql': `${reference004Down}\nDELETE FROM tenants;\n`,
    });
    expectChecksFailed(outcome, ['ce27.rollback.data-preserved']);
  });

  // Columns the reverted migrations add are left out of the comparison (their data goes with them);
  // a column the target version has is not.
  test('a down file that drops a column the target version has fails ce27.rollback.data-preserved', async () => {
    const outcome = await gateWithDownFiles({
      '004_indexes_optimization.down.sql': `${reference004Down}\nALTER TABLE projects DROP COLUMN status;\n`,
    });
    expectChecksFailed(outcome, ['ce27.rollback.data-preserved']);
  });

  test('a down file that drops a table the target version has fails ce27.rollback.tables-present', async () => {
    const outcome = await gateWithDownFiles({
      '004_indexes_optimization.down.sql': `${reference004Down}\nDROP TABLE stakeholder_wbs_raci;\n`,
    });
    expectChecksFailed(outcome, ['ce27.rollback.tables-present']);
  });

  test('a down file that leaves an object behind makes the re-apply fail: ce27.rollback.reapplied', async () => {
    const leftBehind = reference004Down.replace(
      /^DROP INDEX[^;]*idx_clauses_document_id[^;]*;$/m,
      '-- (forgotten)',
    );
    expect(leftBehind).not.toBe(reference004Down);
    const outcome = await gateWithDownFiles({ '004_indexes_optimization.down.sql': leftBehind });
    expectChecksFailed(outcome, ['ce27.rollback.reapplied', 'ce27.rollback.cycle-restores']);
  });

  test('a down file that changes the schema beyond its up fails ce27.rollback.cycle-restores', async () => {
    const outcome = await gateWithDownFiles({
      '004_indexes_optimization.down.sql': `${reference004Down}\nALTER TABLE tenants ADD COLUMN legacy_flag boolean;\n`,
    });
    expectChecksFailed(outcome, ['ce27.rollback.cycle-restores']);
    expect(outcome.failed).not.toContain('ce27.rollback.reapplied');
  });
});
