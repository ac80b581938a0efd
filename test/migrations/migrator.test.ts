import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { compareSnapshots, takeSnapshot } from '../../helpers/run/database-snapshot.ts';
import { GateError } from '../../helpers/gate-error.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import gateConfig from '../../gate.config.ts';
import { copyMigrations } from '../support/migrations-copy.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const reference = path.resolve('migrations');

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = await connectClient(url);
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function version(url: string): Promise<string | undefined> {
  const rows = await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version');
  return rows[0]?.version_num;
}

describe('migrator on a real PostgreSQL', () => {
  test('migrates an empty database to the latest version with history and all tenant tables', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const lines: string[] = [];
    const result = await new Migrator({ databaseUrl: db.url, directory: reference, log: (l) => lines.push(l) }).migrate();
    expect(result.to).toBe('005');
    expect(await version(db.url)).toBe('005');
    const history = await query<{ version: string; checksum: string; duration_ms: number }>(
      db.url,
      'SELECT version, checksum, duration_ms FROM migration_gate_history ORDER BY version',
    );
    expect(history.map((row) => row.version)).toEqual(['001', '002', '003', '004', '005']);
    expect(history.every((row) => /^[0-9a-f]{64}$/.test(row.checksum))).toBe(true);
    const tables = await query<{ table_name: string }>(
      db.url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1)`,
      [gateConfig.tenancy.tenantTables],
    );
    expect(tables).toHaveLength(14);
    // Progress is printed as each migration runs.
    expect(lines.filter((line) => line.startsWith('applied '))).toHaveLength(5);
  });

  test('rolls back to 003 and up again, keeping the data of surviving tables', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const migrator = new Migrator({ databaseUrl: db.url, directory: reference });
    await migrator.migrate();
    await query(
      db.url,
      `INSERT INTO tenants (id, name, slug) VALUES ('11111111-1111-1111-1111-111111111111', 'Rollback Test', 'rollback-test')`,
    );
    const rollback = await migrator.rollback({ to: '003' });
    expect(rollback.reverted.map((step) => step.name)).toEqual(['005_audit_logging', '004_indexes_optimization']);
    expect(await version(db.url)).toBe('003');
    expect(await query(db.url, `SELECT name FROM tenants WHERE name = 'Rollback Test'`)).toHaveLength(1);
    await migrator.migrate();
    expect(await version(db.url)).toBe('005');
    expect(await query(db.url, `SELECT name FROM tenants WHERE name = 'Rollback Test'`)).toHaveLength(1);
  });

  test('dry run executes pending migrations and leaves no trace', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await new Migrator({ databaseUrl: db.url, directory: reference }).migrate({ to: '002' });
    const client = await connectClient(db.url);
    try {
      const before = await takeSnapshot(client);
      const result = await new Migrator({ databaseUrl: db.url, directory: reference }).dryRun();
      expect(result.executed.map((step) => step.name)).toEqual([
        '003_foreign_keys',
        '004_indexes_optimization',
        '005_audit_logging',
      ]);
      expect(result.totalMs).toBeGreaterThan(0);
      const after = await takeSnapshot(client);
      expect(compareSnapshots(before, after)).toEqual({ tables: [], schemaChanged: false });
    } finally {
      await client.end();
    }
    expect(await version(db.url)).toBe('002');
  });

  test('refuses an applied migration whose file was edited, naming the file', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await using copy = await copyMigrations();
    await new Migrator({ databaseUrl: db.url, directory: copy.directory }).migrate({ to: '003' });
    await using edited = await copyMigrations({
      '002_rls_policies.up.sql': '-- edited after it was applied\nSELECT 1;\n',
    });
    const attempt = new Migrator({ databaseUrl: db.url, directory: edited.directory }).migrate();
    await expect(attempt).rejects.toThrow(GateError);
    await expect(attempt).rejects.toThrow(/002_rls_policies\.up\.sql was edited after it was applied/);
    expect(await version(db.url)).toBe('003');
  });

  test('a failing migration leaves the database at the previous version, untouched', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await using copy = await copyMigrations({
      '006_broken.up.sql': 'CREATE TABLE half_done (id int);\nALTER TABLE tenants ADD COLUMN x int;\nSELECT 1 / 0;\n',
      '006_broken.down.sql': 'DROP TABLE half_done;\n',
    });
    const migrator = new Migrator({ databaseUrl: db.url, directory: copy.directory });
    await migrator.migrate({ to: '005' });
    const client = await connectClient(db.url);
    const before = await takeSnapshot(client);
    await client.end();
    const attempt = migrator.migrate();
    await expect(attempt).rejects.toThrow(/006_broken\.up\.sql failed at line 3: division by zero .*stays at version 005/);
    expect(await version(db.url)).toBe('005');
    expect(await query(db.url, `SELECT to_regclass('public.half_done') AS t`)).toEqual([{ t: null }]);
    const check = await connectClient(db.url);
    const after = await takeSnapshot(check);
    await check.end();
    expect(compareSnapshots(before, after)).toEqual({ tables: [], schemaChanged: false });
  });

  test('two concurrent runs do not interleave: every migration is applied exactly once', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const logs: string[][] = [[], []];
    const runs = await Promise.all(
      logs.map((lines) => new Migrator({ databaseUrl: db.url, directory: reference, log: (l) => lines.push(l) }).migrate()),
    );
    const applied = runs.flatMap((run) => run.applied.map((step) => step.name));
    expect(applied.sort()).toEqual([
      '001_initial_schema',
      '002_rls_policies',
      '003_foreign_keys',
      '004_indexes_optimization',
      '005_audit_logging',
    ]);
    expect(await version(db.url)).toBe('005');
    expect(await query(db.url, 'SELECT version FROM migration_gate_history')).toHaveLength(5);
  });

  test('a second run gives up with a clear message when the lock stays held', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const holder = await connectClient(db.url);
    try {
      await holder.query('SELECT pg_advisory_lock($1, $2)', [0x6d67, 1]);
      const attempt = new Migrator({ databaseUrl: db.url, directory: reference, lockTimeoutMs: 500 }).migrate();
      await expect(attempt).rejects.toThrow(/Another migration run \(pid \d+.*\) still holds the migration lock/);
    } finally {
      await holder.end();
    }
    expect(await query(db.url, `SELECT to_regclass('public.tenants') AS t`)).toEqual([{ t: null }]);
  });

  test('refuses a migration with a statement that cannot run in a transaction, before touching the database', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await using copy = await copyMigrations({
      '006_concurrent.up.sql': 'CREATE INDEX CONCURRENTLY idx_x ON projects (name);\n',
    });
    const attempt = new Migrator({ databaseUrl: db.url, directory: copy.directory }).migrate();
    await expect(attempt).rejects.toThrow(/006_concurrent\.up\.sql line 1: CREATE INDEX CONCURRENTLY cannot run inside a transaction/);
    expect(await query(db.url, `SELECT to_regclass('public.alembic_version') AS t`)).toEqual([{ t: null }]);
  });
});
