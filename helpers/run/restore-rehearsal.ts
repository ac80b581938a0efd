import { connectClient } from '../db/database-connection.ts';
import { takeSnapshot, type DatabaseSnapshot } from './database-snapshot.ts';
import {
  cloneOnServer,
  copyRoles,
  dropOnServer,
  restoreOnServer,
  scratchName,
  startRehearsalServer,
} from './rehearsal-server.ts';

/**
 * Restores a backup into an isolated, throw-away rehearsal server (an embedded PostgreSQL, or a
 * scratch database on MIGRATION_GATE_REHEARSAL_URL's server) and fingerprints the result, so "the
 * backup restores" is shown, not assumed. Roles the source database uses are created first (NOLOGIN)
 * because policies and grants name them.
 */
export async function rehearseRestore(
  backupFile: string,
  sourceUrl: string,
  work?: (restored: { readonly url: string }) => Promise<void>,
): Promise<DatabaseSnapshot> {
  await using server = await startRehearsalServer();
  const url = await restoreOnServer(server.url, server.restoreName, backupFile, sourceUrl);
  const client = await connectClient(url);
  try {
    const snapshot = await takeSnapshot(client);
    if (work !== undefined) await work({ url });
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
