import { inject } from 'vitest';
import { progressLog } from '../../helpers/progress-log.ts';
import '../setup/gate-run-record.ts';
import { restoreForRehearsal, type RehearsalRecord } from '../setup/prepare-rehearsal.ts';
import './database.ts';
import { backgroundStep } from './background-step.ts';
import { gateSettings } from './gate-settings.ts';

const restore = backgroundStep(
  (): Promise<RehearsalRecord> =>
    // Restored in the setup already, or made here on first need.
    restoredInSetup() ??
    restoreForRehearsal(
      inject('rehearsalServer'),
      inject('gateRun').backup,
      inject('databaseUrl'),
      progressLog(`migration-gate ${inject('gateRun').project}`),
      gateSettings().schema,
    ),
);

/** The setup's restore; undefined when it made none (null) or a setup without the key ran. */
function restoredInSetup(): Promise<RehearsalRecord> | undefined {
  const record = inject('restoredInSetup');
  return record === null || record === undefined ? undefined : Promise.resolve(record);
}

/**
 * The pre-migration backup restored once on the run's rehearsal server (see backgroundStep): CE-20
 * checks it, CE-21's mirror and CE-27's cycle clone it. Made by the setup when it restored it beside
 * its later steps (`local`), else started by the first suite that needs it.
 */
export function restoredBackup(): Promise<RehearsalRecord> {
  return restore.result();
}
