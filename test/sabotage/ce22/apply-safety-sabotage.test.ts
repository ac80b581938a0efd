import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { Migrator } from '../../../helpers/migrations/migrator.ts';
import { copyMigrations } from '../../support/migrations-copy.ts';
import { expectChecksFailed, runGate } from '../../support/run-gate.ts';
import { versionOf } from '../../support/database-facts.ts';
import { runVitestCli } from '../../support/run-vitest-cli.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');

describe('sabotage: applying migrations safely (CE-22)', () => {
  test('with no backup possible, MIGRATION_GATE_APPLY=1 applies nothing and ce22.migrations.executed fails', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await new Migrator({ databaseUrl: db.url, directory: path.resolve('migrations') }).migrate({ to: '003' });
    const emptyBin = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-no-tools-'));
    try {
      const outcome = await runGate({
        databaseUrl: db.url,
        files: ['suites/ce22-migration-execution.test.ts'],
        env: { MIGRATION_GATE_APPLY: '1', PATH: emptyBin },
      });
      expectChecksFailed(outcome, ['ce22.migrations.executed', 'ce22.migrations.version']);
    } finally {
      await fs.rm(emptyBin, { recursive: true });
    }
    expect(await versionOf(db.url)).toBe('003');
  });

  test('fixtures that cannot be seeded fail ce22.fixtures.seeded instead of leaving the data checks empty', async () => {
    // The fixtures write projects.code; a migration that drops it makes seeding fail.
    await using copy = await copyMigrations({
      '006_drop_project_code.up.sql': 'ALTER TABLE projects DROP COLUMN code;\n',
    });
    const outcome = await runGate({
      databaseUrl: 'postgresql://unused@127.0.0.1:1/unused',
      project: 'local',
      files: ['suites/ce22-migration-execution.test.ts'],
      migrationsDirectory: copy.directory,
    });
    expectChecksFailed(outcome, ['ce22.fixtures.seeded']);
  });

  test('a seed that writes no fixture row fails ce22.fixtures.seeded, however many bookkeeping rows exist', async () => {
    const outcome = await runGate({
      databaseUrl: 'postgresql://unused@127.0.0.1:1/unused',
      project: 'local',
      files: ['suites/ce22-migration-execution.test.ts'],
      env: {
        MIGRATION_GATE_CONFIG: fileURLToPath(
          new URL('../configs/no-fixture-tenants.gate.config.ts', import.meta.url),
        ),
      },
    });
    expectChecksFailed(outcome, ['ce22.fixtures.seeded']);
  });

  test('the local project refuses to migrate and seed a database given by URL unless it is declared throw-away', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const result = await runVitestCli('local', {
      MIGRATION_GATE_PROVIDER: 'url',
      DATABASE_URL: db.url,
      MIGRATION_GATE_THROWAWAY: '',
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'set MIGRATION_GATE_THROWAWAY=1 to confirm DATABASE_URL is a throw-away database',
    );
    const client = await connectClient(db.url);
    try {
      const tables = await client.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });
});
