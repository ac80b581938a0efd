import { inject } from 'vitest';
import { createBackup, type BackupFile } from '../../helpers/run/database-backup.ts';
import { changedNothing } from '../setup/gate-run-record.ts';
import './database.ts';
import { backgroundStep } from './background-step.ts';
import { backupDirectory } from './gate-settings.ts';

/**
 * Whether the run changed the database (applied migrations or committed fixtures): only then is a
 * post-migration backup a different file from the pre-migration one.
 */
export function postMigrationBackupNeeded(): boolean {
  const run = inject('gateRun');
  return !(changedNothing(run) && run.backup.ok === true);
}

const backup = backgroundStep((): Promise<BackupFile> =>
  createBackup(inject('databaseUrl'), backupDirectory(), `${inject('gateRun').project}_post_migration`),
);

/** CE-22's pg_dump of the migrated database (see backgroundStep): CE-20 starts it, CE-22 judges it. */
export function postMigrationBackup(): Promise<BackupFile> {
  return backup.result();
}
