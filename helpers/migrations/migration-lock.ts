import type pg from 'pg';
import { GateError } from '../gate-error.ts';
import { pgErrorFields } from '../db/pg-error.ts';

/** Two-key advisory lock id: "mg" and 1. Every migration-gate run on a database shares it. */
const LOCK_CLASS = 0x6d67;
const LOCK_OBJECT = 1;

/**
 * Takes the session-level migration lock, so two runs cannot interleave. A second run waits up to
 * `timeoutMs` (saying whom it waits for) and then gives up with a clear message.
 */
export async function acquireMigrationLock(
  client: pg.Client,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const tried = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
    LOCK_CLASS,
    LOCK_OBJECT,
  ]);
  if (tried.rows[0]?.locked !== true) {
    const holder = await lockHolder(client);
    log(`waiting up to ${Math.round(timeoutMs / 1000)} s for the migration lock held by ${holder}`);
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, LOCK_OBJECT]);
    } catch (error) {
      if (pgErrorFields(error).code === '55P03') {
        throw new GateError(
          `Another migration run (${holder}) still holds the migration lock after ${Math.round(timeoutMs / 1000)} s; wait for it to finish, then retry.`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      await client.query('RESET lock_timeout');
    }
  }
  return async () => {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, LOCK_OBJECT]);
  };
}

async function lockHolder(client: pg.Client): Promise<string> {
  const result = await client.query<{ pid: number; application_name: string }>(
    `SELECT l.pid, coalesce(a.application_name, '') AS application_name
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [LOCK_CLASS, LOCK_OBJECT],
  );
  const row = result.rows[0];
  return row === undefined ? 'another session' : `pid ${row.pid}${row.application_name ? ` (${row.application_name})` : ''}`;
}
