import { inject } from 'vitest';
import { bookkeepingSchemaOf } from '../../helpers/migrations/migration-history.ts';
import { runRollbackCycle, type RollbackCycleRecord } from '../../helpers/run/rollback-cycle.ts';
import '../setup/prepare-rehearsal.ts';
import '../setup/seeded-template.ts';
import './database.ts';
import { backupDirectory, gateSettings, migrationsDirectory } from './gate-settings.ts';

let started: Promise<RollbackCycleRecord> | undefined;

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

/**
 * The run's CE-27 rollback cycle, started once per worker: the gate's suites share their module
 * cache (`isolate: false`), so CE-20 starts it and it runs on its isolated copy while CE-21 … CE-25
 * judge the source; CE-27 reads the same record. Started here on first use in any other case.
 */
export function rollbackCycle(): Promise<RollbackCycleRecord> {
  if (started === undefined) {
    started = startCycle();
    // Awaited by CE-27; until then a failure must not surface as an unhandled rejection.
    started.catch(() => undefined);
  }
  return started;
}

/** Waits for a cycle already under way (CE-26 times queries on a quiet server); never starts one. */
export async function rollbackCycleSettled(): Promise<void> {
  await started?.catch(() => undefined);
}
