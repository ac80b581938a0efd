import type pg from 'pg';

/**
 * Runs `scan` in a READ ONLY transaction with `row_security = off`, then rolls back. Integrity scans
 * must see every row: under FORCE ROW LEVEL SECURITY a non-superuser owner would otherwise be shown
 * a filtered table and count 0 orphans in rows it cannot see. With `row_security = off` such a
 * query fails loudly instead of answering for part of the table.
 */
export async function withReadScope<T>(
  pool: pg.Pool,
  scan: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query("SELECT set_config('row_security', 'off', true)");
    return await scan(client);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}
