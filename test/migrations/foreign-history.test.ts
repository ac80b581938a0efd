import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';
import { readForeignHistory } from '../../helpers/migrations/foreign-history.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { errorsOf, runGate } from '../support/run-gate.ts';
import { tempMigrations } from './temp-migrations.ts';
import { checksumOf } from '../../helpers/migrations/migration-files.ts';

const adminUrl = inject('adminUrl');
const DBMATE_EXAMPLE = path.resolve('examples/serial-dbmate');
const DBMATE_MIGRATIONS = path.join(DBMATE_EXAMPLE, 'db/migrations');

async function run(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = await connectClient(url);
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/**
 * A database as dbmate leaves it: the example's first `applied` migrations run, recorded in
 * `schema_migrations(version)` only, no gate bookkeeping at all.
 */
async function migratedByDbmate(url: string, applied: number): Promise<void> {
  const migrator = new Migrator({ databaseUrl: url, directory: DBMATE_MIGRATIONS });
  const result = await migrator.migrate({ to: `2024010100000${applied}` });
  await run(
    url,
    `CREATE TABLE public.schema_migrations (version varchar(128) PRIMARY KEY);
     INSERT INTO public.schema_migrations VALUES ${result.applied.map((m) => `('${m.name.slice(0, 14)}')`).join(', ')};
     DROP TABLE public.alembic_version, public.migration_gate_history;`,
  );
}

describe("a database another tool migrated: its history is the gate's starting point", () => {
  test('dbmate, golang-migrate and Flyway histories are read; a dirty golang-migrate one is refused', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      expect(await readForeignHistory(client)).toBeNull();
      await client.query(`CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
        INSERT INTO schema_migrations VALUES ('20240101000002'), ('20240101000010'), ('20240101000001')`);
      expect(await readForeignHistory(client)).toEqual({
        tool: 'dbmate',
        table: 'schema_migrations',
        version: '20240101000010',
        applied: ['20240101000001', '20240101000002', '20240101000010'],
      });
      await client.query(`DROP TABLE schema_migrations;
        CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
        INSERT INTO schema_migrations VALUES (3, false)`);
      expect(await readForeignHistory(client)).toMatchObject({ tool: 'golang-migrate', version: '3' });
      await client.query('UPDATE schema_migrations SET dirty = true');
      await expect(readForeignHistory(client)).rejects.toThrow(/marks version 3 dirty .*migrate force/);
      await client.query(`DROP TABLE schema_migrations;
        CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50),
          description varchar(200), type varchar(20), script varchar(1000), success boolean NOT NULL);
        INSERT INTO flyway_schema_history VALUES
          (1, '1', 'init', 'SQL', 'V1__init.sql', true), (2, '1.1', 'x', 'SQL', 'V1.1__x.sql', true),
          (3, '2', 'y', 'SQL', 'V2__y.sql', true), (4, '2', 'y', 'UNDO_SQL', 'U2__y.sql', true),
          (5, '3', 'z', 'SQL', 'V3__z.sql', false)`);
      expect(await readForeignHistory(client)).toMatchObject({
        tool: 'flyway',
        version: '1.1',
        applied: ['1', '1.1'],
      });
      // Flyway keeps it in its first managed schema, which need not be on the search_path.
      await client.query('CREATE SCHEMA app; ALTER TABLE flyway_schema_history SET SCHEMA app');
      expect(await readForeignHistory(client)).toMatchObject({
        tool: 'flyway',
        table: 'app.flyway_schema_history',
        version: '1.1',
      });
    } finally {
      await client.end();
    }
  });

  test('the migrator starts at dbmate\'s version, applies only what is pending and keeps schema_migrations in step, both ways', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await migratedByDbmate(db.url, 2);
    const migrator = new Migrator({ databaseUrl: db.url, directory: DBMATE_MIGRATIONS });
    const status = await migrator.status();
    expect(status.version).toBe('20240101000002');
    expect(status.pending).toEqual(['20240101000003_invoices']);
    const applied = await migrator.migrate();
    expect(applied.applied.map((m) => m.name)).toEqual(['20240101000003_invoices']);
    const versions = async () =>
      (await run(db.url, 'SELECT version FROM public.schema_migrations ORDER BY 1')).map((row) => row['version']);
    expect(await versions()).toEqual(['20240101000001', '20240101000002', '20240101000003']);
    await migrator.rollback({ to: '20240101000001' });
    expect(await versions()).toEqual(['20240101000001']);
    expect((await migrator.status()).version).toBe('20240101000001');
  });

  test('the staging gate on a dbmate-managed database dry-runs only the pending migration, rehearses its rollback, and refuses to apply it itself', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await migratedByDbmate(db.url, 2);
    const suites = [
      'suites/ce21-migration-validation.test.ts',
      'suites/ce22-migration-execution.test.ts',
      'suites/ce27-rollback.test.ts',
    ];
    const env = { MIGRATION_GATE_CONFIG: path.join(DBMATE_EXAMPLE, 'gate.config.ts') };
    const dryRun = await runGate({ databaseUrl: db.url, files: suites, rehearsalUrl: adminUrl, env });
    const status = (outcome: typeof dryRun, id: string) => outcome.checks.find((c) => c.id === id)?.status;
    // Only the pending 003 is missing: its version and its table, each saying it is pending.
    expect(dryRun.failed).toEqual(['ce22.migrations.version', 'ce22.tables.expected']);
    expect(errorsOf(dryRun, 'ce22.tables.expected')).toMatch(
      /invoices.*20240101000003_invoices pending and only dry-run/s,
    );
    expect(status(dryRun, 'ce21.dry-run')).toBe('passed');
    expect(status(dryRun, 'ce22.migrations.checksums')).toBe('not-applicable');
    expect(dryRun.checks.filter((c) => c.id.startsWith('ce27.')).map((c) => c.status)).toEqual(
      Array.from({ length: 6 }, () => 'passed'),
    );
    const applying = await runGate({
      databaseUrl: db.url,
      files: suites,
      rehearsalUrl: adminUrl,
      env: { ...env, MIGRATION_GATE_APPLY: '1' },
    });
    expect(applying.checks.find((c) => c.id === 'ce22.migrations.executed')?.status).toBe('failed');
    expect(errorsOf(applying, 'ce22.migrations.executed')).toMatch(
      /recorded by dbmate \((?:public\.)?schema_migrations\), not by migration-gate; apply them with dbmate/,
    );
    expect(await run(db.url, "SELECT to_regclass('public.alembic_version') AS t")).toEqual([{ t: null }]);
  });

  test('Prisma: folders with migration.sql (and down.sql) load; _prisma_migrations is the starting point and is kept in step', async () => {
    const init = 'CREATE TABLE accounts (id int PRIMARY KEY);';
    const notes = 'CREATE TABLE notes (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts);';
    await using dir = await tempMigrations({
      'migration_lock.toml': 'provider = "postgresql"\n',
      '20240101120000_init/migration.sql': init,
      '20240101120000_init/down.sql': 'DROP TABLE accounts;',
      '20240215093000_notes/migration.sql': notes,
      '20240215093000_notes/down.sql': 'DROP TABLE notes;',
    });
    await using db = await createScratchDatabase(adminUrl);
    // As `prisma migrate deploy` leaves it after the first migration.
    await run(
      db.url,
      `${init}
       CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL,
         finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz,
         started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL DEFAULT 0);
       INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
       VALUES ('a', '${checksumOf(init)}', now(), '20240101120000_init', 1),
              ('b', 'x', NULL, '20240215093000_notes', 0)`,
    );
    const migrator = new Migrator({ databaseUrl: db.url, directory: dir.directory });
    const status = await migrator.status();
    // The unfinished row is not applied.
    expect(status.version).toBe('20240101120000');
    expect(status.pending).toEqual(['20240215093000_notes']);
    await migrator.migrate();
    const finished = async () =>
      (
        await run(
          db.url,
          'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1',
        )
      ).map((row) => [row['migration_name'], row['checksum']]);
    expect(await finished()).toEqual([
      ['20240101120000_init', checksumOf(init)],
      ['20240215093000_notes', checksumOf(notes)],
    ]);
    await migrator.rollback({ to: '20240101120000' });
    expect(await finished()).toEqual([['20240101120000_init', checksumOf(init)]]);
  });
});
