import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { versionOf } from '../support/database-facts.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';
import { tempMigrations } from './temp-migrations.ts';

const adminUrl = inject('adminUrl');

async function rows<T>(url: string, sql: string): Promise<T[]> {
  const client = await connectClient(url);
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const [row] = await rows<{ t: string | null }>(url, `SELECT to_regclass('public.${table}')::text AS t`);
  return row?.t !== null && row?.t !== undefined;
}

describe('migrator with dbmate and Flyway files, on a real PostgreSQL', () => {
  test('dbmate: migrate, record history and version, roll back to none and forward again', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await using dir = await tempMigrations({
      '20240101120000_accounts.sql':
        '-- migrate:up\nCREATE TABLE accounts (id int PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE accounts;\n',
      '20240215093000_notes.sql':
        '-- migrate:up\nCREATE TABLE notes (id int PRIMARY KEY, account_id int REFERENCES accounts);\n-- migrate:down\nDROP TABLE notes;\n',
    });
    const migrator = new Migrator({ databaseUrl: db.url, directory: dir.directory });
    const result = await migrator.migrate();
    expect(result.to).toBe('20240215093000');
    expect(await versionOf(db.url)).toBe('20240215093000');
    const history = await rows<{ version: string; down_checksum: string | null }>(
      db.url,
      'SELECT version, down_checksum FROM migration_gate_history ORDER BY version',
    );
    expect(history.map((row) => row.version)).toEqual(['20240101120000', '20240215093000']);
    expect(history.every((row) => /^[0-9a-f]{64}$/.test(row.down_checksum ?? ''))).toBe(true);

    const back = await migrator.rollback({ to: 'none' });
    expect(back.reverted.map((step) => step.name)).toEqual(['20240215093000_notes', '20240101120000_accounts']);
    // No version at all, not NULL against '0': alembic_version is empty.
    expect(back.to).toBeNull();
    expect(await rows(db.url, 'SELECT * FROM alembic_version')).toEqual([]);
    expect(await tableExists(db.url, 'accounts')).toBe(false);
    expect((await migrator.migrate()).to).toBe('20240215093000');
    expect(await tableExists(db.url, 'notes')).toBe(true);
  });

  test('dbmate: a failing statement is named by its line in the file', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await using dir = await tempMigrations({
      '20240101120000_broken.sql': '-- migrate:up\nCREATE TABLE t (id int);\nSELECT 1 / 0;\n-- migrate:down\nDROP TABLE t;\n',
    });
    const attempt = new Migrator({ databaseUrl: db.url, directory: dir.directory }).migrate();
    await expect(attempt).rejects.toThrow(
      /migration 20240101120000_broken\.sql \(-- migrate:up\) failed at line 3: division by zero/,
    );
  });

  test('Flyway: versions 1, 1.1, 1.10, 2 in numeric order; roll back to 1.1 with undo files, then to 0', async () => {
    await using db = await createScratchDatabase(adminUrl);
    await using dir = await tempMigrations({
      'V1__a.sql': 'CREATE TABLE a (id int);',
      'U1__a.sql': 'DROP TABLE a;',
      'V1.1__b.sql': 'CREATE TABLE b (id int);',
      'U1.1__b.sql': 'DROP TABLE b;',
      'V1.10__c.sql': 'CREATE TABLE c (id int);',
      'U1.10__c.sql': 'DROP TABLE c;',
      'V2__d.sql': 'CREATE TABLE d (id int);',
      'U2__d.sql': 'DROP TABLE d;',
    });
    const migrator = new Migrator({ databaseUrl: db.url, directory: dir.directory });
    const applied = await migrator.migrate();
    expect(applied.applied.map((step) => step.name)).toEqual(['V1__a', 'V1.1__b', 'V1.10__c', 'V2__d']);
    expect(await versionOf(db.url)).toBe('2');
    const status = await migrator.status();
    expect(status.pending).toEqual([]);
    expect(status.applied.map((record) => record.version)).toEqual(['1', '1.1', '1.10', '2']);

    const partial = await migrator.rollback({ to: '1.1' });
    expect(partial.reverted.map((step) => step.name)).toEqual(['V2__d', 'V1.10__c']);
    expect(partial.to).toBe('1.1');
    expect(await tableExists(db.url, 'b')).toBe(true);
    expect(await tableExists(db.url, 'c')).toBe(false);
    expect((await migrator.status()).pending).toEqual(['V1.10__c', 'V2__d']);

    const all = await migrator.rollback({ to: '0' });
    expect(all.to).toBeNull();
    expect(await tableExists(db.url, 'a')).toBe(false);
  });
});
