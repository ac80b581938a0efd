import pg from 'pg';

/** How the rolled-back transaction starts. */
export interface RolledBackOptions {
  /** `BEGIN READ ONLY`: a write in `work` fails instead of happening (and being rolled back). */
  readonly readOnly?: boolean;
  /**
   * `off`: `SET LOCAL row_security = off` (through `set_config(…, true)`). A scan that must see every
   * row then fails loudly on a table whose policies would filter it, instead of answering for part of it.
   */
  readonly rowSecurity?: 'off';
}

/**
 * Runs `work` in a transaction that is always rolled back, whatever `work` did or threw: the gate's
 * experiments (deletes, inserts as the application) must leave staging as it found it.
 *
 * - Given a pool, the helper owns the connection: it is released afterwards, and destroyed
 *   (`release(true)`) when ROLLBACK failed, since it may still hold the transaction; work's result
 *   stands, as the server aborts the transaction of a closed connection.
 * - Given a client (a `pg.Client`, or a `PoolClient` the caller checked out), the caller owns it and
 *   ends or releases it: a failed ROLLBACK is thrown (after a `work` that succeeded; otherwise `work`'s
 *   own error is), so the caller knows the connection must not be reused. Nothing here ends it.
 */
export async function withRolledBack<T>(
  source: pg.Pool | pg.ClientBase,
  work: (client: pg.ClientBase) => Promise<T>,
  options: RolledBackOptions = {},
): Promise<T> {
  const pool = source instanceof pg.Pool ? source : undefined;
  const client = pool === undefined ? (source as pg.ClientBase) : await pool.connect();
  let outcome: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };
  try {
    await client.query(options.readOnly === true ? 'BEGIN READ ONLY' : 'BEGIN');
    if (options.rowSecurity === 'off') await client.query("SELECT set_config('row_security', 'off', true)");
    outcome = { ok: true, value: await work(client) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  let rollbackFailure: { readonly error: unknown } | undefined;
  try {
    await client.query('ROLLBACK');
  } catch (error) {
    rollbackFailure = { error };
  }
  if (pool !== undefined) (client as pg.PoolClient).release(rollbackFailure !== undefined);
  if (!outcome.ok) throw outcome.error;
  if (rollbackFailure !== undefined && pool === undefined) throw rollbackFailure.error;
  return outcome.value;
}
