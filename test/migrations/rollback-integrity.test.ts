import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { GateError } from '../../helpers/gate-error.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { versionOf } from '../support/database-facts.ts';
import { copyMigrations } from '../support/migrations-copy.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');

async function execute(url: string, sql: string): Promise<void> {
  const client = await connectClient(url);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function historyVersions(url: string): Promise<string[]> {
  const client = await connectClient(url);
  try {
    const result = await client.query<{ version: string }>('SELECT version FROM migration_gate_history ORDER BY version');
    return result.rows.map((row) => row.version);
  } finally {
    await client.end();
  }
}

/** A database migrated to 005 with the reference files, then pointed at a changed copy of them. */
async function migratedWith(changes: Readonly<Record<string, string | null>>) {
  const db = await createScratchDatabase(adminUrl);
  const reference = await copyMigrations();
  await new Migrator({ databaseUrl: db.url, directory: reference.directory }).migrate();
  await reference[Symbol.asyncDispose]();
  const changed = await copyMigrations(changes);
  return {
    url: db.url,
    migrator: new Migrator({ databaseUrl: db.url, directory: changed.directory }),
    async [Symbol.asyncDispose]() {
      await changed[Symbol.asyncDispose]();
      await db[Symbol.asyncDispose]();
    },
  };
}

describe('rollback integrity', () => {
  test('a missing down file refuses the rollback before anything is reverted, naming the file', async () => {
    await using target = await migratedWith({ '004_indexes_optimization.down.sql': null });
    const attempt = target.migrator.rollback({ to: '003' });
    await expect(attempt).rejects.toThrow(GateError);
    await expect(attempt).rejects.toThrow(
      /Cannot roll back to 003: 004_indexes_optimization has no down migration 004_indexes_optimization\.down\.sql.*nothing was rolled back\./,
    );
    // 005 would have been reverted first: it was not.
    expect(await versionOf(target.url)).toBe('005');
    expect(await historyVersions(target.url)).toEqual(['001', '002', '003', '004', '005']);
  });

  test('an empty down file refuses the rollback, naming the file', async () => {
    await using target = await migratedWith({ '005_audit_logging.down.sql': '-- nothing to undo\n' });
    await expect(target.migrator.rollback({ to: '004' })).rejects.toThrow(
      /005_audit_logging\.down\.sql is empty, so rolling back 005_audit_logging would undo nothing/,
    );
    expect(await versionOf(target.url)).toBe('005');
    const status = await target.migrator.status();
    expect(status.withoutDown).toEqual([{ name: '005_audit_logging', file: '005_audit_logging.down.sql', problem: 'empty' }]);
  });

  test('an applied migration whose files are gone is flagged by status and refuses the rollback', async () => {
    await using target = await migratedWith({
      '005_audit_logging.up.sql': null,
      '005_audit_logging.down.sql': null,
    });
    const status = await target.migrator.status();
    expect(status.missingFiles).toEqual(['005_audit_logging']);
    await expect(target.migrator.rollback({ to: '003' })).rejects.toThrow(
      /005_audit_logging was applied but its files are no longer in .*; restore them/,
    );
    expect(await versionOf(target.url)).toBe('005');
  });

  test('a down file edited after it was applied is drift: status flags it, rollback refuses unless accepted', async () => {
    await using target = await migratedWith({
      '005_audit_logging.down.sql': 'DROP TABLE IF EXISTS audit_logs CASCADE;\nDROP FUNCTION IF EXISTS audit_trigger_function() CASCADE;\n',
    });
    expect((await target.migrator.status()).downDrifted).toEqual(['005_audit_logging']);
    await expect(target.migrator.rollback({ to: '004' })).rejects.toThrow(
      /005_audit_logging\.down\.sql was edited after 005_audit_logging was applied/,
    );
    expect(await versionOf(target.url)).toBe('005');
    // History rows written before down checksums existed (NULL) are accepted.
    await execute(target.url, 'UPDATE migration_gate_history SET down_checksum = NULL');
    expect((await target.migrator.status()).downDrifted).toEqual([]);
  });

  test('acceptEditedDownFiles runs the edited down file', async () => {
    await using target = await migratedWith({
      '005_audit_logging.down.sql': 'DROP TABLE IF EXISTS audit_logs CASCADE;\nDROP FUNCTION IF EXISTS audit_trigger_function() CASCADE;\n',
    });
    const result = await target.migrator.rollback({ to: '004', acceptEditedDownFiles: true });
    expect(result.to).toBe('004');
  });

  test('a history table from before down checksums keeps working and gains the column on migrate', async () => {
    await using target = await migratedWith({});
    await execute(target.url, 'ALTER TABLE migration_gate_history DROP COLUMN down_checksum');
    const status = await target.migrator.status();
    expect(status.drifted).toEqual([]);
    expect(status.downDrifted).toEqual([]);
    expect((await target.migrator.rollback({ to: '004' })).to).toBe('004');
    expect((await target.migrator.migrate()).to).toBe('005');
    const client = await connectClient(target.url);
    try {
      const result = await client.query<{ down_checksum: string | null }>(
        `SELECT down_checksum FROM migration_gate_history WHERE version = '005'`,
      );
      expect(result.rows[0]?.down_checksum).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await client.end();
    }
  });

  test('an empty or missing down file does not block the dry run of pending migrations', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await using copy = await copyMigrations({ '005_audit_logging.down.sql': '', '004_indexes_optimization.down.sql': null });
    const migrator = new Migrator({ databaseUrl: db.url, directory: copy.directory });
    await migrator.migrate({ to: '003' });
    const dryRun = await migrator.dryRun();
    expect(dryRun.executed.map((step) => step.name)).toEqual(['004_indexes_optimization', '005_audit_logging']);
    expect(await versionOf(db.url)).toBe('003');
  });

  test('rollback to none reverts every migration and leaves no version', async () => {
    await using target = await migratedWith({});
    const result = await target.migrator.rollback({ to: 'none' });
    expect(result.reverted).toHaveLength(5);
    expect(result.to).toBeNull();
    expect(await versionOf(target.url)).toBeUndefined();
    expect(await historyVersions(target.url)).toEqual([]);
  });
});
