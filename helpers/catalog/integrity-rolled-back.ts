import type pg from 'pg';

/**
 * Runs `work` in a transaction that is always rolled back, whatever `work` did or threw: the
 * gate's experiments (deletes, inserts as the application) must leave staging as it found it.
 */
export async function withRolledBack<T>(
  pool: pg.Pool,
  work: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    return await work(client);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}
