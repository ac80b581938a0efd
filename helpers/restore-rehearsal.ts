import { connectClient } from './database-connection.ts';
import { restoreBackup } from './database-backup.ts';
import { takeSnapshot, type DatabaseSnapshot } from './database-snapshot.ts';
import { EmbeddedProvider } from './providers/embedded-provider.ts';
import type { StartedDatabase } from './providers/database-provider.ts';
import { quoteIdent } from './sql-identifier.ts';

/**
 * Restores a backup into an isolated, throw-away embedded PostgreSQL and fingerprints the result,
 * so "the backup restores" is shown, not assumed. Roles the source database uses are created first
 * (NOLOGIN) because policies and grants name them.
 */
export async function rehearseRestore(
  backupFile: string,
  sourceUrl: string,
  work?: (restored: StartedDatabase) => Promise<void>,
): Promise<DatabaseSnapshot> {
  const source = await connectClient(sourceUrl);
  let roles: string[];
  try {
    const result = await source.query<{ rolname: string }>(
      `SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' AND rolname <> current_user ORDER BY 1`,
    );
    roles = result.rows.map((row) => row.rolname);
  } finally {
    await source.end();
  }
  await using mirror = await new EmbeddedProvider({ database: 'restore_rehearsal' }).start();
  const client = await connectClient(mirror.url);
  try {
    for (const role of roles) {
      await client.query(
        `DO $$ BEGIN CREATE ROLE ${quoteIdent(role)} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
      );
    }
    await restoreBackup(backupFile, mirror.url);
    const snapshot = await takeSnapshot(client);
    if (work !== undefined) await work(mirror);
    return snapshot;
  } finally {
    await client.end();
  }
}
