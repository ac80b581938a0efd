import { inject } from 'vitest';
import { progressLog } from '../../helpers/progress-log.ts';
import '../setup/gate-run-record.ts';
import { restoreForRehearsal, type RehearsalRecord } from '../setup/prepare-rehearsal.ts';
import './database.ts';
import { backgroundStep } from './background-step.ts';
import { gateSettings } from './gate-settings.ts';

const restore = backgroundStep(
  async (): Promise<RehearsalRecord> =>
    // Restored in the setup already (`local`), or made here on first need.
    inject('restoredInSetup') ??
    restoreForRehearsal(
      inject('rehearsalServer'),
      inject('gateRun').backup,
      inject('databaseUrl'),
      progressLog(`migration-gate ${inject('gateRun').project}`),
      gateSettings().schema,
    ),
);

/**
 * The pre-migration backup restored once on the run's rehearsal server (see backgroundStep): CE-20
 * checks it, CE-21's mirror and CE-27's cycle clone it. Made by the setup when it restored it beside
 * its later steps (`local`), else started by the first suite that needs it.
 */
export function restoredBackup(): Promise<RehearsalRecord> {
  return restore.result();
}
