import type pg from 'pg';

/** One index of a table, reduced to what decides whether it can serve a lookup. */
export interface TableIndex {
  readonly table: string;
  readonly index: string;
  /** Key columns in order; `null` at a position that is an expression. INCLUDE columns are left out. */
  readonly keyColumns: readonly (string | null)[];
  readonly unique: boolean;
  /** The table's primary key: how a row is identified before and after a change. */
  readonly primary: boolean;
  /** A partial index (`WHERE …`) serves only some rows, so it covers no foreign key. */
  readonly partial: boolean;
  /** False while a `CREATE INDEX CONCURRENTLY` is unfinished or failed: the planner ignores it. */
  readonly valid: boolean;
  readonly method: string;
  /** Every key column is a NOT NULL column (no expression): a unique such index identifies each row. */
  readonly notNullKey: boolean;
}

/** Every index on the ordinary and partitioned tables of `schema`. */
export async function discoverIndexes(client: pg.ClientBase, schema: string): Promise<readonly TableIndex[]> {
  const result = await client.query<{
    table: string;
    index: string;
    key_columns: (string | null)[];
    indisunique: boolean;
    indisprimary: boolean;
    partial: boolean;
    indisvalid: boolean;
    method: string;
    not_null_key: boolean;
  }>(
    `SELECT t.relname AS table, i.relname AS index,
            array(SELECT a.attname::text FROM unnest(x.indkey[0:x.indnkeyatts - 1]) WITH ORDINALITY k(attnum, n)
                    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0
                   ORDER BY k.n) AS key_columns,
            x.indisunique, x.indisprimary, x.indpred IS NOT NULL AS partial, x.indisvalid, am.amname AS method,
            NOT EXISTS (SELECT 1 FROM unnest(x.indkey[0:x.indnkeyatts - 1]) k(attnum)
                          LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                         WHERE k.attnum = 0 OR NOT a.attnotnull) AS not_null_key
       FROM pg_index x
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_am am ON am.oid = i.relam
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relkind IN ('r', 'p')
      ORDER BY t.relname, i.relname`,
    [schema],
  );
  return result.rows.map((row) => ({
    table: row.table,
    index: row.index,
    keyColumns: row.key_columns,
    unique: row.indisunique,
    primary: row.indisprimary,
    partial: row.partial,
    valid: row.indisvalid,
    method: row.method,
    notNullKey: row.not_null_key,
  }));
}

/**
 * The indexes of `table` that can serve an equality lookup on all of `columns`: valid, not partial,
 * B-tree, and whose leading key columns are exactly `columns` in any order (the referential action's
 * `WHERE a = $1 AND b = $2` needs the set, not the order).
 */
export function indexesLeadingWith(
  indexes: readonly TableIndex[],
  table: string,
  columns: readonly string[],
): readonly TableIndex[] {
  const wanted = new Set(columns);
  return indexes.filter(
    (index) =>
      index.table === table &&
      index.valid &&
      !index.partial &&
      index.method === 'btree' &&
      index.keyColumns.length >= columns.length &&
      index.keyColumns.slice(0, columns.length).every((column) => column !== null && wanted.has(column)),
  );
}

/**
 * The columns that identify a row of `table`: its primary key, else the first valid, non-partial
 * unique index over NOT NULL columns only (`UNIQUE (document_id, version)` on a table without a
 * primary key), else `null`.
 */
export function rowKeyOf(indexes: readonly TableIndex[], table: string): readonly string[] | null {
  const primary = primaryKeyOf(indexes, table);
  if (primary !== null) return primary;
  const unique = indexes.find(
    (index) => index.table === table && index.unique && index.valid && !index.partial && index.notNullKey,
  );
  return unique === undefined
    ? null
    : unique.keyColumns.filter((column): column is string => column !== null);
}

/** The primary-key columns of `table`, or `null` when it has none. */
export function primaryKeyOf(indexes: readonly TableIndex[], table: string): readonly string[] | null {
  const primary = indexes.find((index) => index.table === table && index.primary);
  if (primary === undefined) return null;
  return primary.keyColumns.filter((column): column is string => column !== null);
}
