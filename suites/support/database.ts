import { afterAll, inject } from 'vitest';
import type pg from 'pg';
import { connectPool } from '../../helpers/database-connection.ts';
import '../../helpers/run-metadata.ts';
import '../setup/gate-run-record.ts';

/** A pool on the database under test for one suite file, closed when the file ends. */
export async function suitePool(): Promise<pg.Pool> {
  const pool = await connectPool(inject('databaseUrl'), { applicationName: 'migration-gate suite' });
  afterAll(() => pool.end());
  return pool;
}
