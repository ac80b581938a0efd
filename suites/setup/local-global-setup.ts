import type { TestProject } from 'vitest/node';
import { GateError } from '../../helpers/gate-error.ts';
import { progressLog } from '../../helpers/progress-log.ts';
import { createProvider } from '../../helpers/providers/create-provider.ts';
import { keepRunsSetting, startBackupRun } from '../../helpers/run/backup-retention.ts';
import { exitOnGateError } from '../../helpers/run/exit-on-gate-error.ts';
import { provideBackupRetention } from '../../helpers/run/provide-backup-retention.ts';
import { backupDirectory } from '../support/gate-settings.ts';
import { prepareGateRun } from './prepare-gate-run.ts';
import { seedFixtures } from '../../fixtures/seed-fixtures.ts';
import { seedConfiguredVolume } from '../../fixtures/volume-seed.ts';
import { loadRunConfig } from './run-config.ts';
import { provideMigrationLoad } from './migration-load-step.ts';
import { provideSeededTemplate } from './seeded-template.ts';
import { REHEARSAL_URL_VARIABLE } from '../../helpers/run/rehearsal-server.ts';
import { GATE_SUITES, suiteInProjectRun } from './gate-suites.ts';

const log = progressLog('migration-gate local');

/**
 * `local` project: a throw-away real PostgreSQL (embedded by default; MIGRATION_GATE_PROVIDER=testcontainers
 * or url selects another), migrated and seeded, stopped and deleted when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = await exitOnGateError('migration-gate local', () => loadRunConfig(project));
  const major = process.env['MIGRATION_GATE_PG_MAJOR'];
  const provider = await exitOnGateError('migration-gate local', async () => {
    if (process.env['MIGRATION_GATE_PROVIDER'] === 'url' && process.env['MIGRATION_GATE_THROWAWAY'] !== '1') {
      // The local flow commits migrations and fixtures: never into a database someone may still need.
      throw new GateError(
        'The local project migrates and commits fixture rows into its database; with MIGRATION_GATE_PROVIDER=url set MIGRATION_GATE_THROWAWAY=1 to confirm DATABASE_URL is a throw-away database, or gate it non-destructively with --project staging.',
      );
    }
    return createProvider({
      ...(process.env['MIGRATION_GATE_PROVIDER'] === undefined
        ? {}
        : { provider: process.env['MIGRATION_GATE_PROVIDER'] }),
      ...(process.env['DATABASE_URL'] === undefined ? {} : { databaseUrl: process.env['DATABASE_URL'] }),
      ...(major === undefined ? {} : { embeddedMajorVersion: Number(major) }),
      log,
    });
  });
  // Older runs' dumps go before this run writes its own (MIGRATION_GATE_KEEP_BACKUPS, default 1).
  const retention = await exitOnGateError('migration-gate local', () =>
    startBackupRun(backupDirectory(), keepRunsSetting(process.env, config)),
  );
  // A server that does not start is one sentence and exit 1, not a stack.
  const database = await exitOnGateError('migration-gate local', () => provider.start());
  let stopRehearsal: () => Promise<void>;
  let dropSeededTemplate: () => Promise<void> = async () => undefined;
  const rehearsesOnOwnServer =
    database.provider !== 'url' && (process.env[REHEARSAL_URL_VARIABLE] ?? '').trim() === '';
  try {
    stopRehearsal = await prepareGateRun({
      project,
      database,
      config,
      apply: true,
      log,
      // The server is the run's own and thrown away after: the rehearsal restores there too, so a
      // `local` run starts one server instead of two.
      ...(rehearsesOnOwnServer ? { rehearsalUrl: database.url } : {}),
      // The backup's restore (CE-20, CE-21, CE-27) beside the seeding, not in the suites' time.
      restoreInSetup: true,
      // The security diff judges the migrations after the rollback target, not the empty start.
      securityBaseAtRollbackTarget: true,
      // A throw-away database: committed fixture tenants give every suite real rows to read.
      // CE-26 volume (config.performance.volume) on top of the fixtures; the fixture counts are what CE-22 judges.
      seed: async (url) => {
        const fixtureRows = await seedFixtures(url, config, log);
        await seedConfiguredVolume(url, config, log);
        return fixtureRows;
      },
    });
    provideBackupRetention(project, retention);
    // Steps only one suite reads are left out of a run narrowed to other suites. Both clone the
    // seeded database, side by side (a TEMPLATE copy only reads it):
    // CE-22 under load and the CE-26 baseline: the pending migrations again, on a seeded clone;
    // CE-27 clones the seeded state on the run's own server when its rehearsal is there (no dump).
    const clonesSeededState = rehearsesOnOwnServer && suiteInProjectRun(project, GATE_SUITES.rollback);
    if (!clonesSeededState) project.provide('seededTemplate', null);
    const [dropTemplate] = await Promise.all([
      clonesSeededState ? provideSeededTemplate(project, database.url, log) : undefined,
      provideMigrationLoad(project, database.url, config, log, {
        baseline: suiteInProjectRun(project, GATE_SUITES.performance),
        underLoad: suiteInProjectRun(project, GATE_SUITES.underLoad),
      }),
    ]);
    if (dropTemplate !== undefined) dropSeededTemplate = dropTemplate;
  } catch (error) {
    await database.stop();
    throw error;
  }
  return async () => {
    await stopRehearsal();
    await dropSeededTemplate();
    await database.stop();
  };
}
