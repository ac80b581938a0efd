import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { createBackup } from '../helpers/run/database-backup.ts';
import { connectClient } from '../helpers/db/database-connection.ts';
import {
  REHEARSAL_URL_VARIABLE,
  databaseUrlOn,
  dropOnServer,
  restoreOnServer,
  scratchName,
  startRehearsalServer,
} from '../helpers/run/rehearsal-server.ts';
import { quoteIdent } from '../helpers/db/sql-identifier.ts';
import { restoreForRehearsal, startRunRehearsal } from '../suites/setup/prepare-rehearsal.ts';
import { withRehearsalCopy } from '../helpers/run/restore-rehearsal.ts';
import { createScratchDatabase } from '../helpers/db/scratch-database.ts';

async function count(url: string, sql: string, values: readonly string[] = []): Promise<number> {
  const client = await connectClient(url);
  try {
    const result = await client.query<{ n: string }>(sql, [...values]);
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

describe('rehearsal server: the backup restored once, then cloned', () => {
  test('a TEMPLATE clone holds the restore rows, leaves the restore untouched, and is dropped after', async () => {
    const adminUrl = inject('adminUrl');
    await using source = await createScratchDatabase(adminUrl);
    const client = await connectClient(source.url);
    try {
      await client.query('CREATE TABLE ledger AS SELECT g AS id FROM generate_series(1, 500) AS g');
    } finally {
      await client.end();
    }
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-rehearsal-'));
    const restored = scratchName('mg_restored');
    try {
      const backup = await createBackup(source.url, directory, 'rehearsal');
      const restoredUrl = await restoreOnServer(adminUrl, restored, backup.path, source.url);
      let cloneName = '';
      await withRehearsalCopy(
        { serverUrl: adminUrl, sourceUrl: source.url, template: restored },
        'mg_clone',
        async (copy) => {
          cloneName = new URL(copy.url).pathname.slice(1);
          expect(await count(copy.url, 'SELECT count(*)::text AS n FROM ledger')).toBe(500);
          // The rollback cycle writes into its copy; the restore it came from must not see it.
          await count(copy.url, 'DELETE FROM ledger WHERE id <= 100 RETURNING 0');
        },
      );
      expect(await count(restoredUrl, 'SELECT count(*)::text AS n FROM ledger')).toBe(500);
      expect(
        await count(adminUrl, 'SELECT count(*)::text AS n FROM pg_database WHERE datname = $1', [cloneName]),
      ).toBe(0);
    } finally {
      await dropOnServer(adminUrl, restored);
      await fs.rm(directory, { recursive: true, force: true });
    }
  });
});

async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return (
    (await count(adminUrl, 'SELECT count(*)::text AS n FROM pg_database WHERE datname = $1', [name])) === 1
  );
}

describe(`rehearsal on an already running server (${REHEARSAL_URL_VARIABLE})`, () => {
  test('restores into a uniquely named scratch database there, clones it, and drops it at teardown', async () => {
    const adminUrl = inject('adminUrl');
    const env = { [REHEARSAL_URL_VARIABLE]: adminUrl };
    // Nothing is started: the server is the one the URL names, and each run gets a database name of its own.
    const first = await startRehearsalServer(undefined, env);
    const second = await startRehearsalServer(undefined, env);
    expect(first.url).toBe(adminUrl);
    expect(first.provider).toBe('url');
    expect(first.restoreName).toMatch(/^mg_restored_[0-9a-f]{8}$/);
    expect(second.restoreName).not.toBe(first.restoreName);
    await first.stop();
    await second.stop();

    await using source = await createScratchDatabase(adminUrl);
    const role = scratchName('mg_rehearsal_role');
    const client = await connectClient(source.url);
    try {
      await client.query(`CREATE ROLE ${quoteIdent(role)} NOLOGIN;
        CREATE TABLE ledger AS SELECT g AS id FROM generate_series(1, 500) AS g;
        GRANT SELECT ON ledger TO ${quoteIdent(role)};
        CREATE SCHEMA app;
        CREATE TABLE app.entries AS SELECT g AS id FROM generate_series(1, 20) AS g;`);
    } finally {
      await client.end();
    }
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-rehearsal-'));
    const lines: string[] = [];
    // The gated schema is `app`; the counts cover every user schema, as the preflight's do.
    const log = (line: string): void => void lines.push(line);
    const rehearsal = startRunRehearsal(log, env);
    let database = '';
    try {
      const backup = await createBackup(source.url, directory, 'shared');
      const server = await rehearsal.server();
      const record = await restoreForRehearsal(server, { ok: true, value: backup }, source.url, log, 'app');
      if (record.ok !== true) expect.fail(record.ok === false ? record.error : record.reason);
      database = record.value.database;
      expect(record.value.serverUrl).toBe(adminUrl);
      expect(database).toMatch(/^mg_restored_[0-9a-f]{8}$/);
      expect(await databaseExists(adminUrl, database)).toBe(true);
      // Counted, not checksummed: CE-20 compares the counts with the preflight.
      expect(record.value.snapshot.tables).toEqual([
        { table: 'app.entries', rows: 20, checksum: '' },
        { table: 'public.ledger', rows: 500, checksum: '' },
      ]);
      // The role the grant names was copied (it exists already on this server: tolerated).
      expect(
        await count(
          databaseUrlOn(adminUrl, database),
          `SELECT count(*)::text AS n FROM information_schema.role_table_grants WHERE grantee = $1`,
          [role],
        ),
      ).toBe(1);
      await withRehearsalCopy(
        { serverUrl: adminUrl, sourceUrl: source.url, template: database },
        'mg_clone',
        async (copy) => {
          expect(await count(copy.url, 'SELECT count(*)::text AS n FROM ledger')).toBe(500);
        },
      );
    } finally {
      await rehearsal.stop();
      await fs.rm(directory, { recursive: true, force: true });
      await count(adminUrl, `DROP ROLE IF EXISTS ${quoteIdent(role)}`).catch(() => 0);
    }
    expect(await databaseExists(adminUrl, database)).toBe(false);
    expect(lines.some((line) => line.includes(REHEARSAL_URL_VARIABLE))).toBe(true);
  });

  test('refuses, in one sentence, a URL whose role may not create databases', async () => {
    const adminUrl = inject('adminUrl');
    const role = scratchName('mg_rehearsal_login');
    await count(adminUrl, `CREATE ROLE ${quoteIdent(role)} LOGIN NOCREATEDB PASSWORD 'rehearsal'`);
    try {
      const url = new URL(adminUrl);
      url.username = role;
      url.password = 'rehearsal';
      await expect(
        startRehearsalServer(undefined, { [REHEARSAL_URL_VARIABLE]: url.toString() }),
      ).rejects.toThrow(/MIGRATION_GATE_REHEARSAL_URL .* may not create databases/);
    } finally {
      await count(adminUrl, `DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    }
  });
});
