import { afterAll, inject } from 'vitest';
import type pg from 'pg';
import { connectPool } from '../../helpers/db/database-connection.ts';
import '../../helpers/run/run-metadata.ts';
import '../setup/gate-run-record.ts';
import '../setup/run-config.ts';

/**
 * A pool on the database under test for one suite file, closed when the file ends. Its sessions carry
 * the config's `budgets.statementTimeoutMs`, so a runaway query fails its check instead of hanging the run.
 */
export async function suitePool(): Promise<pg.Pool> {
  const timeout = inject('gateConfig').budgets?.statementTimeoutMs;
  const pool = await connectPool(inject('databaseUrl'), {
    applicationName: 'migration-gate suite',
    ...(timeout === undefined ? {} : { statementTimeoutMs: timeout }),
  });
  afterAll(() => pool.end());
  return pool;
}
