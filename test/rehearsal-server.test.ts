import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { createBackup } from '../helpers/run/database-backup.ts';
import { connectClient } from '../helpers/db/database-connection.ts';
import { dropOnServer, restoreOnServer, scratchName } from '../helpers/run/rehearsal-server.ts';
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
