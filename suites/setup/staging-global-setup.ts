import dotenv from 'dotenv';
import type { TestProject } from 'vitest/node';
import { progressLog } from '../../helpers/progress-log.ts';
import { UrlProvider } from '../../helpers/providers/url-provider.ts';
import { prepareGateRun } from './prepare-gate-run.ts';
import { loadRunConfig } from './run-config.ts';

const log = progressLog('migration-gate staging');

/**
 * `staging` project: the database at DATABASE_URL (from the environment or `.env.staging`).
 * Non-destructive: migrations are dry-run only unless MIGRATION_GATE_APPLY=1, and every suite
 * writes inside transactions it rolls back; the last suite proves nothing changed.
 */
export default async function setup(project: TestProject): Promise<void> {
  // An explicit DATABASE_URL in the environment wins over the file.
  dotenv.config({ path: '.env.staging', quiet: true });
  const config = await loadRunConfig(project);
  const database = await new UrlProvider(process.env['DATABASE_URL']).start();
  await prepareGateRun({
    project,
    database,
    config,
    apply: process.env['MIGRATION_GATE_APPLY'] === '1',
    log,
  });
}
