import { describe, expect, inject, test } from 'vitest';
import { copyMigrations } from '../../support/migrations-copy.ts';
import { expectChecksFailed, runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const SUITES = ['suites/ce21-migration-validation.test.ts', 'suites/ce22-migration-execution.test.ts'];

/**
 * Each case breaks one property of the migrations, gates an empty database with them (applying them,
 * as the `local` flow does), and expects the named checks to fail and the verdict to be NO-GO.
 */
async function gateWithMigrations(changes: Readonly<Record<string, string | null>>) {
  await using db = await createScratchDatabase(adminUrl, { prefix: 'mg_sabotage' });
  await using copy = await copyMigrations(changes);
  return await runGate({
    databaseUrl: db.url,
    files: SUITES,
    migrationsDirectory: copy.directory,
    env: { MIGRATION_GATE_APPLY: '1' },
  });
}

describe('sabotage: migrations (CE-21, CE-22)', () => {
  test('control: the reference migrations pass every CE-21 and CE-22 check', async () => {
    const outcome = await gateWithMigrations({});
    expect(outcome.failed).toEqual([]);
    expect(outcome.checks.filter((check) => check.status === 'passed').length).toBeGreaterThanOrEqual(10);
  });

  test('a syntax error in a migration fails ce21.syntax (and nothing is applied)', async () => {
    const outcome = await gateWithMigrations({ '006_typo.up.sql': 'CREAT TABLE oops (id int);\n' });
    expectChecksFailed(outcome, ['ce21.syntax', 'ce21.dry-run', 'ce22.migrations.executed']);
  });

  test('CREATE INDEX CONCURRENTLY fails ce21.transactional', async () => {
    const outcome = await gateWithMigrations({
      '006_concurrent_index.up.sql': 'CREATE INDEX CONCURRENTLY idx_projects_name ON projects (name);\n',
    });
    expectChecksFailed(outcome, ['ce21.transactional']);
  });

  test('a migration that uses a table only a later one creates fails ce21.order', async () => {
    const outcome = await gateWithMigrations({
      '006_uses_later.up.sql': 'CREATE VIEW project_budgets AS SELECT * FROM budgets;\n',
      '007_budgets.up.sql': 'CREATE TABLE budgets (id uuid PRIMARY KEY);\n',
    });
    expectChecksFailed(outcome, ['ce21.order']);
  });

  test('a migration that fails at run time fails the dry run, the mirror, execution and the version', async () => {
    const outcome = await gateWithMigrations({
      '005_audit_logging.up.sql': 'CREATE TABLE audit_extra (id int);\nSELECT 1 / 0;\n',
    });
    expectChecksFailed(outcome, [
      'ce21.dry-run',
      'ce21.mirror',
      'ce22.migrations.executed',
      'ce22.migrations.version',
    ]);
  });

  test('a missing migration (the database stops at 004) fails ce22.migrations.version', async () => {
    const outcome = await gateWithMigrations({
      '005_audit_logging.up.sql': null,
      '005_audit_logging.down.sql': null,
    });
    expectChecksFailed(outcome, ['ce22.migrations.version']);
  });

  test('a migration that no longer creates an expected table fails ce22.tables.expected', async () => {
    const outcome = await gateWithMigrations({
      '006_drop_raci.up.sql': 'DROP TABLE stakeholder_wbs_raci;\n',
    });
    expectChecksFailed(outcome, ['ce22.tables.expected']);
  });

  test('a directory that mixes migration formats fails ce21.syntax with one sentence naming both files', async () => {
    const outcome = await gateWithMigrations({
      'V6__flyway_style.sql': 'CREATE TABLE budgets (id uuid PRIMARY KEY);\n',
    });
    expectChecksFailed(outcome, ['ce21.syntax', 'ce21.dry-run']);
    expect(outcome.readiness).toMatch(
      /mixes migration formats: .*\.sql is numbered .* but V6__flyway_style\.sql is flyway/,
    );
  });

  test('control: an empty and a missing down file block neither the dry run nor any CE-21 / CE-22 check', async () => {
    const outcome = await gateWithMigrations({
      '005_audit_logging.down.sql': '',
      '004_indexes_optimization.down.sql': null,
    });
    expect(outcome.failed).toEqual([]);
    expect(outcome.checks.find((check) => check.id === 'ce21.dry-run')?.status).toBe('passed');
  });
});
