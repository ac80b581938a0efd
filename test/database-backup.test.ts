import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { BACKUP_LEDGER, clientEnvironment, createBackup } from '../helpers/run/database-backup.ts';
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
