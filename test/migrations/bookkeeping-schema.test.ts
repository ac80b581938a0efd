import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, test } from 'vitest';
import gateConfig from '../../gate.config.ts';
import { seedDatabase } from '../../fixtures/index.ts';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { GateError } from '../../helpers/gate-error.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { runGate } from '../support/run-gate.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const reference = path.resolve('migrations');
const BOOKKEEPING_CONFIG = fileURLToPath(new URL('../sabotage/configs/bookkeeping-schema.gate.config.ts', import.meta.url));

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = await connectClient(url);
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Schemas holding a table of that name. */
async function schemasOf(url: string, table: string): Promise<string[]> {
  const rows = await query<{ schema: string }>(
    url,
    `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = $1 ORDER BY 1`,
    [table],
  );
  return rows.map((row) => row.schema);
}

describe('bookkeeping tables in a configured schema', () => {
  test('with bookkeepingSchema gate_meta the version and history live there, not in public, through migrate, status and rollback', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const migrator = new Migrator({ databaseUrl: db.url, directory: reference, bookkeepingSchema: 'gate_meta' });
    const dry = await migrator.dryRun();
    expect(dry.executed).toHaveLength(5);
    // The dry run created the schema inside its rolled-back transaction only.
    expect(await query(db.url, `SELECT 1 FROM pg_namespace WHERE nspname = 'gate_meta'`)).toEqual([]);

    expect((await migrator.migrate()).to).toBe('005');
    expect(await schemasOf(db.url, 'alembic_version')).toEqual(['gate_meta']);
    expect(await schemasOf(db.url, 'migration_gate_history')).toEqual(['gate_meta']);
    expect(await query(db.url, 'SELECT version_num FROM gate_meta.alembic_version')).toEqual([{ version_num: '005' }]);
    const status = await migrator.status();
    expect(status.version).toBe('005');
    expect(status.applied.map((record) => record.version)).toEqual(['001', '002', '003', '004', '005']);
    expect(status.pending).toEqual([]);

    const rollback = await migrator.rollback({ to: '003' });
    expect(rollback.to).toBe('003');
    expect(await query(db.url, 'SELECT version FROM gate_meta.migration_gate_history ORDER BY version')).toEqual([
      { version: '001' },
      { version: '002' },
      { version: '003' },
    ]);
    expect((await migrator.migrate()).applied.map((step) => step.name)).toEqual([
      '004_indexes_optimization',
      '005_audit_logging',
    ]);
    expect(await schemasOf(db.url, 'alembic_version')).toEqual(['gate_meta']);

    // A migrator looking in public sees a database it never migrated.
    const elsewhere = await new Migrator({ databaseUrl: db.url, directory: reference }).status();
    expect(elsewhere.version).toBeNull();
    expect(elsewhere.applied).toEqual([]);
  });

  test('a schema name that needs quoting works; an empty one is refused in one sentence', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const migrator = new Migrator({ databaseUrl: db.url, directory: reference, bookkeepingSchema: 'Gate "Meta"' });
    await migrator.migrate({ to: '001' });
    expect(await schemasOf(db.url, 'alembic_version')).toEqual(['Gate "Meta"']);
    expect((await migrator.status()).version).toBe('001');
    expect(() => new Migrator({ databaseUrl: db.url, directory: reference, bookkeepingSchema: ' ' })).toThrow(GateError);
  });

  test('the staging gate over CE-21, CE-22, CE-23 privileges and CE-27, configured with bookkeepingSchema, fails no check', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await new Migrator({ databaseUrl: db.url, directory: reference, bookkeepingSchema: 'gate_meta' }).migrate();
    await seedDatabase(db.url, {
      schema: gateConfig.schema,
      tenants: gateConfig.fixtures.tenants,
      seed: gateConfig.fixtures.seed,
    });
    const outcome = await runGate({
      databaseUrl: db.url,
      files: [
        'suites/ce21-migration-validation.test.ts',
        'suites/ce22-migration-execution.test.ts',
        'suites/ce23-privileges.test.ts',
        'suites/ce27-rollback.test.ts',
      ],
      env: { MIGRATION_GATE_CONFIG: BOOKKEEPING_CONFIG },
    });
    expect(outcome.failed).toEqual([]);
    const statusOf = (id: string): string | undefined => outcome.checks.find((check) => check.id === id)?.status;
    expect(statusOf('ce22.migrations.version')).toBe('passed');
    expect(statusOf('ce22.migrations.checksums')).toBe('passed');
    expect(statusOf('ce23.privileges.bookkeeping-tables')).toBe('passed');
    expect(statusOf('ce21.mirror')).toBe('passed');
    // The rollback cycle rewrites gate_meta's history; only the schema's own data is judged.
    expect(statusOf('ce27.rollback.data-preserved')).toBe('passed');
    expect(statusOf('ce27.rollback.cycle-restores')).toBe('passed');
    expect(outcome.checks.find((check) => check.id === 'ce23.privileges.bookkeeping-tables')?.name).toContain(
      'gate_meta.alembic_version',
    );
    // The dry run of nothing pending and the gate's reads left public without bookkeeping tables.
    expect(await schemasOf(db.url, 'alembic_version')).toEqual(['gate_meta']);
  }, 180_000);
});
