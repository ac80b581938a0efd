import type pg from 'pg';
import { withRolledBack } from '../db/rolled-back.ts';

/**
 * Runs `scan` in a READ ONLY transaction with `row_security = off`, then rolls back (the one
 * rolled-back transaction, {@link withRolledBack}, with those options). Integrity scans must see every
 * row: under FORCE ROW LEVEL SECURITY a non-superuser owner would otherwise be shown a filtered table
 * and count 0 orphans in rows it cannot see. With `row_security = off` such a query fails loudly
 * instead of answering for part of the table.
 */
export function withReadScope<T>(pool: pg.Pool, scan: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  return withRolledBack(pool, scan, { readOnly: true, rowSecurity: 'off' });
}
