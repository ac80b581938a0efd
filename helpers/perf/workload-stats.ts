import type pg from 'pg';

/** `pg_stat_user_indexes` of one index. */
export interface IndexUsage {
  readonly table: string;
  readonly index: string;
  readonly scans: number;
  readonly tuplesRead: number;
  readonly tuplesFetched: number;
  readonly bytes: number;
  /** Backs a primary key, unique or exclusion constraint: needed even if never scanned. */
  readonly enforcesConstraint: boolean;
}

/**
 * Index scan counts of the tables of `schema` named in `tables`. Counters are cumulative since the
 * last statistics reset; `pg_stat_force_next_flush()` (PostgreSQL 15+) is called first so this
 * session's own scans are counted.
 */
export async function indexUsage(
  client: pg.ClientBase,
  schema: string,
  tables: readonly string[],
): Promise<readonly IndexUsage[]> {
  await flushStatistics(client);
  const result = await client.query<{
    table: string;
    index: string;
    scans: string;
    tuples_read: string;
    tuples_fetched: string;
    bytes: string;
    enforces: boolean;
  }>(
    `SELECT s.relname AS table, s.indexrelname AS index, s.idx_scan::text AS scans,
            s.idx_tup_read::text AS tuples_read, s.idx_tup_fetch::text AS tuples_fetched,
            pg_relation_size(s.indexrelid)::text AS bytes,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = s.indexrelid AND k.contype IN ('p', 'u', 'x')) AS enforces
       FROM pg_stat_user_indexes s
      WHERE s.schemaname = $1 AND s.relname = ANY ($2::text[])
      ORDER BY s.idx_scan DESC, s.relname, s.indexrelname`,
    [schema, [...tables]],
  );
  return result.rows.map((row) => ({
    table: row.table,
    index: row.index,
    scans: Number(row.scans),
    tuplesRead: Number(row.tuples_read),
    tuplesFetched: Number(row.tuples_fetched),
    bytes: Number(row.bytes),
    enforcesConstraint: row.enforces,
  }));
}

async function flushStatistics(client: pg.ClientBase): Promise<void> {
  const exists = await client.query<{ present: boolean }>(
    `SELECT to_regproc('pg_catalog.pg_stat_force_next_flush') IS NOT NULL AS present`,
  );
  if (exists.rows[0]?.present === true) await client.query('SELECT pg_stat_force_next_flush()');
}

/** Table, index and total size and write counters of one table, as the plan's task 3 lists them. */
export interface RelationSize {
  readonly table: string;
  readonly totalBytes: number;
  readonly tableBytes: number;
  readonly indexBytes: number;
  readonly estimatedRows: number;
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
}

export async function relationSizes(client: pg.ClientBase, schema: string): Promise<readonly RelationSize[]> {
  const result = await client.query<
    Record<'table' | 'total' | 'heap' | 'indexes' | 'rows' | 'ins' | 'upd' | 'del', string>
  >(
    `SELECT s.relname AS table, pg_total_relation_size(s.relid)::text AS total,
            pg_relation_size(s.relid)::text AS heap, pg_indexes_size(s.relid)::text AS indexes,
            greatest(c.reltuples, 0)::bigint::text AS rows,
            s.n_tup_ins::text AS ins, s.n_tup_upd::text AS upd, s.n_tup_del::text AS del
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = $1
      ORDER BY pg_total_relation_size(s.relid) DESC, s.relname`,
    [schema],
  );
  return result.rows.map((row) => ({
    table: row.table,
    totalBytes: Number(row.total),
    tableBytes: Number(row.heap),
    indexBytes: Number(row.indexes),
    estimatedRows: Number(row.rows),
    inserts: Number(row.ins),
    updates: Number(row.upd),
    deletes: Number(row.del),
  }));
}

/** A gate connection (application_name `migration-gate…`) and its state. */
export interface GateConnection {
  readonly pid: number;
  readonly applicationName: string;
  readonly state: string;
  readonly stateSeconds: number;
}

/** The gate's own connections to the current database except this one; the plan's task 4. */
export async function gateConnections(client: pg.ClientBase): Promise<readonly GateConnection[]> {
  const result = await client.query<{
    pid: number;
    application_name: string;
    state: string | null;
    seconds: number;
  }>(
    `SELECT pid, application_name, state, coalesce(extract(epoch FROM now() - state_change), 0)::float8 AS seconds
       FROM pg_stat_activity
      WHERE datname = current_database() AND application_name LIKE 'migration-gate%' AND pid <> pg_backend_pid()
      ORDER BY pid`,
  );
  return result.rows.map((row) => ({
    pid: row.pid,
    applicationName: row.application_name,
    state: row.state ?? 'unknown',
    stateSeconds: row.seconds,
  }));
}
