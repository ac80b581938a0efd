import { inject } from 'vitest';
import { bookkeepingSchemaOf } from '../../helpers/migrations/migration-history.ts';
import {
  runRollbackCycle,
  type RollbackCycleOptions,
  type RollbackCycleRecord,
} from '../../helpers/run/rollback-cycle.ts';
import '../setup/prepare-rehearsal.ts';
import { changedNothing } from '../setup/gate-run-record.ts';
import '../setup/seeded-template.ts';
import './database.ts';
import { restoredBackup } from './restored-backup.ts';
import { backgroundStep } from './background-step.ts';
import { backupDirectory, gateSettings, migrationsDirectory } from './gate-settings.ts';

/** The run's rehearsal server, and the database the cycle's copy is cloned from when no backup of the source is needed. */
async function copyPlan(): Promise<RollbackCycleOptions['rehearsal']> {
  const run = inject('gateRun');
  const server = inject('rehearsalServer');
  const seeded = inject('seededTemplate');
  if (server.ok !== true) return undefined;
  const { serverUrl } = server.value;
  // `local`: the seeded database as the setup left it, cloned before any suite connected.
  if (seeded !== null && seeded !== undefined) return { serverUrl, template: { database: seeded } };
  // A run that neither applied nor seeded left the source as its pre-migration backup holds it.
  if (changedNothing(run) && run.backup.ok === true) {
    const restored = await restoredBackup();
    if (restored.ok === true)
      return { serverUrl, template: { database: restored.value.database, backup: run.backup.value } };
  }
  return { serverUrl };
}

async function startCycle(): Promise<RollbackCycleRecord> {
  const settings = gateSettings();
  return runRollbackCycle({
    sourceUrl: inject('databaseUrl'),
    migrationsDirectory: migrationsDirectory(),
    schema: settings.schema,
    target: settings.migrations.rollbackTarget,
    probe: settings.migrations.rollbackProbe,
    backupDirectory: backupDirectory(),
    label: `${inject('gateRun').project}_rollback_source`,
    bookkeepingSchema: bookkeepingSchemaOf(settings.migrations),
    rehearsal: await copyPlan(),
  });
}

const cycle = backgroundStep(startCycle);

/**
 * The run's CE-27 rollback cycle (see {@link backgroundStep}): CE-20 starts it and it runs on its
 * isolated copy while CE-21 … CE-25 judge the source; CE-27 reads the same record.
 */
export function rollbackCycle(): Promise<RollbackCycleRecord> {
  return cycle.result();
}

/** Waits for a cycle already under way (CE-26 times queries on a quiet server); never starts one. */
export function rollbackCycleSettled(): Promise<void> {
  return cycle.settled();
}
