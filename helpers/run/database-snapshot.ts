import type pg from 'pg';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';

/** Row count and content checksum of one table. */
export interface TableFingerprint {
  readonly table: string;
  readonly rows: number;
  readonly checksum: string;
}

/** What "nothing changed" is compared against: every user table's rows plus the schema's shape. */
export interface DatabaseSnapshot {
  readonly takenAt: string;
  readonly tables: readonly TableFingerprint[];
  /** md5 over columns, constraints, indexes, policies, RLS flags, triggers (and whether they are enabled), privileges, functions and views of the user schemas. */
  readonly schemaChecksum: string;
  readonly counts: {
    readonly tables: number;
    readonly policies: number;
    readonly foreignKeys: number;
    readonly indexes: number;
  };
}

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'`;

/** Progress of one table's fingerprint, reported for tables estimated at {@link SnapshotOptions.largeTableRows} rows or more. */
export interface TableFingerprintProgress {
  readonly table: string;
  readonly rows: number;
  readonly ms: number;
  readonly rowsPerSecond: number;
  /** This table's `pg_class.reltuples` estimate before the pass (0 when it was never analyzed). */
  readonly estimatedRows: number;
  /** Sum of the estimates of the tables still to read in this snapshot (an ETA's numerator). */
  readonly remainingEstimatedRows: number;
  /** Tables still to read. */
  readonly remainingTables: number;
  /** Of those, tables without an estimate (`reltuples` -1: never vacuumed or analyzed). */
  readonly remainingUnestimatedTables: number;
}

export interface SnapshotOptions {
  /** Called after each large table is fingerprinted, so a long run shows it is moving. */
  readonly onLargeTable?: (progress: TableFingerprintProgress) => void;
  /** Estimated rows (`pg_class.reltuples`) from which a table counts as large; default 100 000. */
  readonly largeTableRows?: number;
  /**
   * `false`: row counts only (`count(*)`, no row is rendered or hashed; every `checksum` is `''`),
   * for a check that compares counts alone. Compare such a snapshot with `{ checksums: false }`.
   */
  readonly checksums?: boolean;
  /**
   * Columns left out of the row checksums, as `table.column` (any schema): the state a rollback must
   * keep once the columns the reverted migrations add are gone again. A table's rows hash alike
   * whether a column is left out here or absent from the table.
   */
  readonly excludeColumns?: readonly string[];
}

/**
 * The per-table fingerprint: one streaming pass, constant memory, no sort. Every row is hashed to 64
 * bits and the table's checksum is the sum and the XOR of those hashes — order-independent aggregates,
 * so neither physical row order nor collation matters, and the sum (unlike XOR alone) still tells two
 * equal rows from two other equal rows. PostgreSQL 14+ (bit_xor, hash_record_extended).
 *
 * A row is hashed with its columns' own hash functions (`hash_record_extended`) when every column
 * type is one of {@link RECORD_HASHABLE_TYPES} (arrays of them too) with a deterministic collation:
 * ~4.5× faster than rendering the row as text, because nothing is rendered. Values equal under their
 * type's equality hash alike (numeric 1.0 and 1.00, float8 0 and -0). Any other table — a json, xml or
 * geometric column, a domain, an extension type, a case-insensitive collation — is hashed from its text
 * form (`hashtextextended((t.*)::text)`), which tells every rendering apart. The choice follows from the
 * column types alone, so two snapshots of the same table always hash it the same way. `t.*`, not
 * `t`: in a table with a column named `t`, a bare `t` is that column, not the row.
 */
const TABLE_FINGERPRINT_SQL = (
  name: string,
  recordHash: boolean,
  columns: readonly string[] | null,
): string => {
  // Some columns left out: the rest as an anonymous record, which hashes and renders as the table's
  // own row would without them.
  const row =
    columns === null ? 't.*' : `ROW(${columns.map((column) => `t.${quoteIdent(column)}`).join(', ')})`;
  return `SELECT count(*)::text AS rows,
          coalesce(sum(h.hash::numeric), 0)::text || ':' || coalesce(bit_xor(h.hash), 0)::text AS checksum
     FROM ${name} AS t, LATERAL (SELECT ${recordHash ? `hash_record_extended(${row}, 0)` : `hashtextextended((${row})::text, 0)`} AS hash) AS h`;
};

/** Built-in types whose default hash opclass has an extended (seeded, 64-bit) hash function. */
const RECORD_HASHABLE_TYPES = [
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'real',
  'double precision',
  'boolean',
  'text',
  'character varying',
  'character',
  'name',
  '"char"',
  'uuid',
  'bytea',
  'jsonb',
  'date',
  'time without time zone',
  'time with time zone',
  'timestamp without time zone',
  'timestamp with time zone',
  'interval',
  'inet',
  'cidr',
  'macaddr',
  'macaddr8',
  'oid',
] as const;

/** Whether every live column of `c` (arrays by their element) can be hashed by hash_record_extended. */
const RECORD_HASHABLE_SQL = `NOT EXISTS (
  SELECT 1 FROM pg_attribute a
    JOIN pg_type ty ON ty.oid = a.atttypid
    JOIN pg_type el ON el.oid = CASE WHEN ty.typcategory = 'A' AND ty.typelem <> 0 THEN ty.typelem ELSE ty.oid END
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     AND NOT (c.relname || '.' || a.attname = ANY ($2::text[]))
     AND (NOT (el.typtype = 'e' OR format_type(el.oid, NULL) = ANY ($1::text[]))
          OR coalesce(NOT co.collisdeterministic, false)))`;

const TABLE_COUNT_SQL = (name: string): string =>
  `SELECT count(*)::text AS rows, '' AS checksum FROM ${name}`;

const DEFAULT_LARGE_TABLE_ROWS = 100_000;

/**
 * Fingerprints a database: per table a row count and an order-independent checksum of every row
 * (one sequential pass per table, no sort, no string aggregation: safe on tables of any size), plus
 * an md5 of the schema's shape. `schema` only scopes the summary counts; the fingerprint covers every
 * user schema.
 */
export async function takeSnapshot(
  client: pg.ClientBase,
  schema = 'public',
  options: SnapshotOptions = {},
): Promise<DatabaseSnapshot> {
  const tables = await client.query<{
    schema: string;
    table: string;
    estimate: number;
    record_hash: boolean;
    kept: string[] | null;
  }>(
    `SELECT n.nspname AS schema, c.relname AS table, c.reltuples::float8 AS estimate,
            ${RECORD_HASHABLE_SQL} AS record_hash,
            CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a
                               WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                                 AND c.relname || '.' || a.attname = ANY ($2::text[]))
                 THEN ARRAY(SELECT a.attname::text FROM pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                               AND NOT (c.relname || '.' || a.attname = ANY ($2::text[]))
                             ORDER BY a.attnum) END AS kept
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMAS}
      ORDER BY 1, 2`,
    [RECORD_HASHABLE_TYPES, options.excludeColumns ?? []],
  );
  const fingerprints: TableFingerprint[] = [];
  const largeTableRows = options.largeTableRows ?? DEFAULT_LARGE_TABLE_ROWS;
  const countsOnly = options.checksums === false;
  // Per table, the estimated rows of the tables after it: an ETA for the rest of the pass.
  const remainingAfter: number[] = [];
  const unestimatedAfter: number[] = [];
  for (let index = tables.rows.length - 1, rows = 0, unknown = 0; index >= 0; index--) {
    remainingAfter[index] = rows;
    unestimatedAfter[index] = unknown;
    const estimate = tables.rows[index]?.estimate ?? -1;
    if (estimate < 0) unknown += 1;
    else rows += estimate;
  }
  for (const [index, { schema, table, estimate, record_hash: recordHash, kept }] of tables.rows.entries()) {
    const started = performance.now();
    const result = await client.query<{ rows: string; checksum: string }>(
      countsOnly
        ? TABLE_COUNT_SQL(qualifiedName(schema, table))
        : TABLE_FINGERPRINT_SQL(qualifiedName(schema, table), recordHash, kept),
    );
    const row = result.rows[0];
    if (options.onLargeTable !== undefined && estimate >= largeTableRows) {
      const ms = performance.now() - started;
      const rows = Number(row?.rows ?? 0);
      options.onLargeTable({
        table: `${schema}.${table}`,
        rows,
        ms,
        rowsPerSecond: ms > 0 ? (rows * 1000) / ms : rows,
        estimatedRows: Math.max(0, estimate),
        remainingEstimatedRows: remainingAfter[index] ?? 0,
        remainingTables: tables.rows.length - index - 1,
        remainingUnestimatedTables: unestimatedAfter[index] ?? 0,
      });
    }
    fingerprints.push({
      table: `${schema}.${table}`,
      rows: Number(row?.rows ?? 0),
      checksum: row?.checksum ?? '',
    });
  }
  const shape = await client.query<{
    checksum: string;
    tables: string;
    policies: string;
    fks: string;
    indexes: string;
  }>(
    `WITH cols AS (
       SELECT string_agg(format('%s.%s.%s:%s:%s:%s', table_schema, table_name, column_name, data_type, is_nullable, column_default), ',' ORDER BY table_schema, table_name, column_name) AS v
         FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')),
     cons AS (
       SELECT string_agg(format('%s:%s:%s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)), ',' ORDER BY c.conrelid::regclass::text, c.conname) AS v
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE ${USER_SCHEMAS}),
     idx AS (
       SELECT string_agg(indexdef, ',' ORDER BY indexdef) AS v FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')),
     pol AS (
       SELECT string_agg(format('%s.%s.%s:%s:%s:%s:%s', schemaname, tablename, policyname, permissive, cmd, qual, with_check), ',' ORDER BY schemaname, tablename, policyname) AS v
         FROM pg_policies),
     trg AS (
       SELECT string_agg(format('%s:%s:%s', t.tgrelid::regclass, t.tgenabled, pg_get_triggerdef(t.oid)), ',' ORDER BY t.tgrelid::regclass::text, t.tgname) AS v
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND ${USER_SCHEMAS}),
     acl AS (
       SELECT string_agg(format('%s:%s:%s', c.oid::regclass, c.relkind, c.relacl), ',' ORDER BY c.oid::regclass::text) AS v
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${USER_SCHEMAS}),
     fns AS (
       SELECT string_agg(md5(pg_get_functiondef(p.oid)) || ':' || coalesce(p.proacl::text, ''), ',' ORDER BY p.oid::regprocedure::text) AS v
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind IN ('f', 'p') AND ${USER_SCHEMAS}),
     vws AS (
       SELECT string_agg(format('%s:%s', c.oid::regclass, pg_get_viewdef(c.oid)), ',' ORDER BY c.oid::regclass::text) AS v
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v', 'm') AND ${USER_SCHEMAS}),
     rls AS (
       SELECT string_agg(format('%s:%s:%s', c.oid::regclass, c.relrowsecurity, c.relforcerowsecurity), ',' ORDER BY c.oid::regclass::text) AS v
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMAS})
     SELECT md5(concat_ws('|', cols.v, cons.v, idx.v, pol.v, rls.v, trg.v, acl.v, fns.v, vws.v)) AS checksum,
            (SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE')::text AS tables,
            (SELECT count(*) FROM pg_policies WHERE schemaname = $1)::text AS policies,
            (SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = $1)::text AS fks,
            (SELECT count(*) FROM pg_indexes WHERE schemaname = $1)::text AS indexes
       FROM cols, cons, idx, pol, rls, trg, acl, fns, vws`,
    [schema],
  );
  const summary = shape.rows[0];
  return {
    takenAt: new Date().toISOString(),
    tables: fingerprints,
    schemaChecksum: summary?.checksum ?? '',
    counts: {
      tables: Number(summary?.tables ?? 0),
      policies: Number(summary?.policies ?? 0),
      foreignKeys: Number(summary?.fks ?? 0),
      indexes: Number(summary?.indexes ?? 0),
    },
  };
}

export interface SnapshotDifference {
  readonly table: string;
  readonly before: { readonly rows: number; readonly checksum: string } | null;
  readonly after: { readonly rows: number; readonly checksum: string } | null;
}

/**
 * Tables whose rows differ, appeared or vanished between two snapshots, plus whether the schema
 * changed. `{ checksums: false }` compares row counts only (for a snapshot taken without checksums).
 */
export function compareSnapshots(
  before: DatabaseSnapshot,
  after: DatabaseSnapshot,
  options: { readonly checksums?: boolean } = {},
): { readonly tables: readonly SnapshotDifference[]; readonly schemaChanged: boolean } {
  const checksums = options.checksums !== false;
  const differences: SnapshotDifference[] = [];
  const afterByName = new Map(after.tables.map((table) => [table.table, table]));
  for (const table of before.tables) {
    const other = afterByName.get(table.table);
    afterByName.delete(table.table);
    if (
      other === undefined ||
      other.rows !== table.rows ||
      (checksums && other.checksum !== table.checksum)
    ) {
      differences.push({
        table: table.table,
        before: { rows: table.rows, checksum: table.checksum },
        after: other === undefined ? null : { rows: other.rows, checksum: other.checksum },
      });
    }
  }
  for (const table of afterByName.values()) {
    differences.push({
      table: table.table,
      before: null,
      after: { rows: table.rows, checksum: table.checksum },
    });
  }
  return { tables: differences, schemaChanged: before.schemaChecksum !== after.schemaChecksum };
}
