import { connectClient } from '../db/database-connection.ts';
import { restoreBackup } from './database-backup.ts';
import { takeSnapshot, type DatabaseSnapshot } from './database-snapshot.ts';
import { EmbeddedProvider } from '../providers/embedded-provider.ts';
import type { StartedDatabase } from '../providers/database-provider.ts';
import { cloneOnServer, copyRoles, dropOnServer, restoreOnServer, scratchName } from './rehearsal-server.ts';

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
  await using mirror = await new EmbeddedProvider({ database: 'restore_rehearsal' }).start();
  await copyRoles(sourceUrl, mirror.url);
  const client = await connectClient(mirror.url);
  try {
    await restoreBackup(backupFile, mirror.url);
    const snapshot = await takeSnapshot(client);
    if (work !== undefined) await work(mirror);
    return snapshot;
  } finally {
    await client.end();
  }
}

/** Where a rehearsal copy comes from: a clone of the run's one restore, or a dump restored on the same server. */
export type RehearsalSource =
  | { readonly serverUrl: string; readonly sourceUrl: string; readonly template: string }
  | { readonly serverUrl: string; readonly sourceUrl: string; readonly backupFile: string };

/**
 * Runs `work` on a scratch database of the run's rehearsal server (see `rehearsal-server.ts`): a
 * `TEMPLATE` clone of the restored backup, or a dump restored there, and drops it afterwards — no new
 * server, and for a clone no second restore.
 */
export async function withRehearsalCopy<T>(
  source: RehearsalSource,
  prefix: string,
  work: (copy: { readonly url: string }) => Promise<T>,
): Promise<T> {
  const name = scratchName(prefix);
  try {
    // Roles are per server: those the source has now (a migration may have added one) exist first.
    await copyRoles(source.sourceUrl, source.serverUrl);
    const url =
      'template' in source
        ? await cloneOnServer(source.serverUrl, source.template, name)
        : await restoreOnServer(source.serverUrl, name, source.backupFile, source.sourceUrl);
    return await work({ url });
  } finally {
    await dropOnServer(source.serverUrl, name);
  }
}
