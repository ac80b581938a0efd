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
    // A connection whose ROLLBACK failed may still hold the transaction: destroy it, never reuse it.
    const rolledBack = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    client.release(!rolledBack);
  }
}
