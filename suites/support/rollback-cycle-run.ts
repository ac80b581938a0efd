import { inject } from 'vitest';
import { bookkeepingSchemaOf } from '../../helpers/migrations/migration-history.ts';
import { runRollbackCycle, type RollbackCycleRecord } from '../../helpers/run/rollback-cycle.ts';
import '../setup/prepare-rehearsal.ts';
import '../setup/seeded-template.ts';
import './database.ts';
import { backgroundStep } from './background-step.ts';
import { backupDirectory, gateSettings, migrationsDirectory } from './gate-settings.ts';

/** Which database the cycle's isolated copy is cloned from, when no backup of the source is needed. */
function templateOf():
  { readonly database: string; readonly backup?: { path: string; bytes: number } } | undefined {
  const run = inject('gateRun');
  const rehearsal = inject('rehearsal');
  const seeded = inject('seededTemplate');
  if (rehearsal.ok !== true) return undefined;
  // `local`: the seeded database as the setup left it, cloned before any suite connected.
  if (seeded !== null && seeded !== undefined) return { database: seeded };
  // A run that neither applied nor seeded left the source as its pre-migration backup holds it.
  if (run.migrate.ok === 'not-run' && run.seeded.ok === 'not-run' && run.backup.ok === true)
    return { database: rehearsal.value.database, backup: run.backup.value };
  return undefined;
}

function startCycle(): Promise<RollbackCycleRecord> {
  const settings = gateSettings();
  const rehearsal = inject('rehearsal');
  const template = templateOf();
  return runRollbackCycle({
    sourceUrl: inject('databaseUrl'),
    migrationsDirectory: migrationsDirectory(),
    schema: settings.schema,
    target: settings.migrations.rollbackTarget,
    probe: settings.migrations.rollbackProbe,
    backupDirectory: backupDirectory(),
    label: `${inject('gateRun').project}_rollback_source`,
    bookkeepingSchema: bookkeepingSchemaOf(settings.migrations),
    rehearsal:
      rehearsal.ok !== true
        ? undefined
        : { serverUrl: rehearsal.value.serverUrl, ...(template === undefined ? {} : { template }) },
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
