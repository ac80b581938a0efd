import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import {
  BACKUP_LEDGER,
  clientEnvironment,
  createBackup,
  restoreArguments,
  restoreBackup,
  restoreJobs,
} from '../helpers/run/database-backup.ts';
import { connectClient } from '../helpers/db/database-connection.ts';
import { createScratchDatabase } from '../helpers/db/scratch-database.ts';

describe('environment for pg_dump / pg_restore', () => {
  test('carries host, port, user, password and database, and TLS settings from the URL query', () => {
    const env = clientEnvironment(
      'postgresql://app:s%40cret@db.internal:6543/c2pro?sslmode=verify-full&sslrootcert=/etc/ca.pem&application_name=gate',
    );
    expect(env).toMatchObject({
      PGHOST: 'db.internal',
      PGPORT: '6543',
      PGUSER: 'app',
      PGPASSWORD: 's@cret',
      PGDATABASE: 'c2pro',
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: '/etc/ca.pem',
      PGAPPNAME: 'gate',
    });
  });

  test('a socket directory given as ?host= wins over the URL host', () => {
    expect(clientEnvironment('postgresql://postgres@localhost/db?host=/var/run/postgresql').PGHOST).toBe(
      '/var/run/postgresql',
    );
  });
});

describe('pg_dump backup files', () => {
  test('are mode 0600 in a 0700 directory (even one that existed wider), and listed in its ledger', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), { prefix: 'mg_h1_backup' });
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-backup-test-'));
    try {
      const directory = path.join(parent, 'backups');
      await fs.mkdir(directory, { mode: 0o755 });
      await fs.chmod(directory, 0o755);
      const backup = await createBackup(db.url, directory, 'probe');
      expect((await fs.stat(directory)).mode & 0o777).toBe(0o700);
      expect((await fs.stat(backup.path)).mode & 0o777).toBe(0o600);
      expect(backup.bytes).toBeGreaterThan(0);
      expect(await fs.readFile(path.join(directory, BACKUP_LEDGER), 'utf8')).toContain(
        JSON.stringify(backup.path),
      );
    } finally {
      await fs.rm(parent, { recursive: true, force: true });
    }
  });
});

describe('pg_restore of a backup', () => {
  test('runs with --jobs for a custom-format dump, not for a plain SQL file, and restores every row', async () => {
    const adminUrl = inject('adminUrl');
    await using source = await createScratchDatabase(adminUrl, { prefix: 'mg_restore_jobs' });
    const client = await connectClient(source.url);
    try {
      await client.query(`CREATE TABLE a AS SELECT g AS id FROM generate_series(1, 3000) g;
        CREATE TABLE b AS SELECT g AS id FROM generate_series(1, 2000) g; ALTER TABLE a ADD PRIMARY KEY (id);`);
    } finally {
      await client.end();
    }
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'mg-restore-test-'));
    try {
      const backup = await createBackup(source.url, parent, 'jobs');
      const jobs = restoreJobs();
      expect(jobs).toBe(Math.min(4, os.availableParallelism()));
      const args = await restoreArguments(backup.path, 'target');
      if (jobs > 1) expect(args).toContain(`--jobs=${jobs}`);
      expect(args).not.toContain('--single-transaction');
      const plain = path.join(parent, 'plain.sql');
      await fs.writeFile(plain, 'SELECT 1;\n');
      expect((await restoreArguments(plain, 'target')).some((arg) => arg.startsWith('--jobs'))).toBe(false);

      await using target = await createScratchDatabase(adminUrl, { prefix: 'mg_restore_jobs_to' });
      await restoreBackup(backup.path, target.url);
      const restored = await connectClient(target.url);
      try {
        const counts = await restored.query<{ a: string; b: string }>(
          'SELECT (SELECT count(*) FROM a)::text AS a, (SELECT count(*) FROM b)::text AS b',
        );
        expect(counts.rows[0]).toEqual({ a: '3000', b: '2000' });
      } finally {
        await restored.end();
      }
    } finally {
      await fs.rm(parent, { recursive: true, force: true });
    }
  });
});
