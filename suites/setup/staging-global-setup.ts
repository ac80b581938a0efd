import dotenv from 'dotenv';
import type { TestProject } from 'vitest/node';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { GateError } from '../../helpers/gate-error.ts';
import { progressLog } from '../../helpers/progress-log.ts';
import { UrlProvider } from '../../helpers/providers/url-provider.ts';
import { keepRunsSetting, startBackupRun } from '../../helpers/run/backup-retention.ts';
import { assertConnectingRole } from '../../helpers/run/connecting-role.ts';
import { exitOnGateError } from '../../helpers/run/exit-on-gate-error.ts';
import { provideBackupRetention } from '../../helpers/run/provide-backup-retention.ts';
import { backupDirectory } from '../support/gate-settings.ts';
import { prepareGateRun } from './prepare-gate-run.ts';
import { loadRunConfig } from './run-config.ts';
import './seeded-template.ts';

const log = progressLog('migration-gate staging');

/**
 * `staging` project: the database at DATABASE_URL (from the environment or `.env.staging`).
 * Non-destructive: migrations are dry-run only unless MIGRATION_GATE_APPLY=1, and every suite
 * writes inside transactions it rolls back; the last suite proves nothing changed.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // An explicit DATABASE_URL in the environment wins over the file.
  dotenv.config({ path: '.env.staging', quiet: true });
  const { config, database, retention } = await exitOnGateError('migration-gate staging', async () => {
    const url = process.env['DATABASE_URL'];
    if (url === undefined || url.trim() === '') {
      throw new GateError(
        'The staging project has no database: set DATABASE_URL=postgresql://user:password@host:5432/database in .env.staging or the environment.',
      );
    }
    const loaded = await loadRunConfig(project);
    const started = await new UrlProvider(url).start();
    // Powers first: a role that cannot read every row or act as the application role stops here.
    const client = await connectClient(started.url);
    try {
      await assertConnectingRole(client, loaded.schema, loaded.tenancy.appRole);
    } finally {
      await client.end();
    }
    // Older runs' dumps go before this run writes its own (MIGRATION_GATE_KEEP_BACKUPS, default 1).
    const backups = await startBackupRun(backupDirectory(), keepRunsSetting(process.env, loaded));
    return { config: loaded, database: started, retention: backups };
  });
  const stopRehearsal = await prepareGateRun({
    project,
    database,
    config,
    apply: process.env['MIGRATION_GATE_APPLY'] === '1',
    log,
  });
  provideBackupRetention(project, retention);
  // CE-27 copies staging from its backup (or the run's restore), never from a clone of the source.
  project.provide('seededTemplate', null);
  // The rehearsal server (the backup restored once, cloned for CE-21 and CE-27) goes when the run ends.
  return stopRehearsal;
}
