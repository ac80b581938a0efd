import type pg from 'pg';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';

/** How many rows broke a property, some of them, and how many rows the scan read. */
export interface IntegrityScan {
  /** Rows read; 0 means the table was empty and nothing was judged. */
  readonly scanned: number;
  readonly count: number;
  readonly samples: readonly Readonly<Record<string, unknown>>[];
}

async function scan(
  client: pg.ClientBase,
  from: string,
  where: string,
  sampleColumns: readonly string[],
  params: readonly unknown[],
  sampleLimit: number,
  /** A cheaper one-pass count of the same rows (scanned, count) than the FILTER over `where`. */
  countSql?: string,
): Promise<IntegrityScan> {
  // One pass counts both the rows read and the rows that break the property (constant memory); the
  // samples are a second, LIMITed read, made only when there is something to show.
  const counted = await client.query<{ scanned: string; count: string }>(
    countSql ?? `SELECT count(*) AS scanned, count(*) FILTER (WHERE ${where}) AS count FROM ${from}`,
    [...params],
  );
  const scanned = Number(counted.rows[0]?.scanned ?? 0);
  const count = Number(counted.rows[0]?.count ?? 0);
  if (count === 0) return { scanned, count, samples: [] };
  // A key column may also be a scanned column; name each once.
  const list = [...new Set(sampleColumns)].join(', ');
  const samples = await client.query<Record<string, unknown>>(
    `SELECT ${list} FROM ${from} WHERE ${where} LIMIT $${params.length + 1}`,
    [...params, sampleLimit],
  );
  return { scanned, count, samples: samples.rows };
}

/** Rows of `table` whose `column` is NULL; samples carry `keyColumns`. */
export function scanNullColumn(
  client: pg.ClientBase,
  schema: string,
  table: string,
  column: string,
  keyColumns: readonly string[],
  sampleLimit = 20,
): Promise<IntegrityScan> {
  return scan(
    client,
    `${qualifiedName(schema, table)} t`,
    `t.${quoteIdent(column)} IS NULL`,
    keyColumns.map((key) => `t.${quoteIdent(key)}`),
    [],
    sampleLimit,
  );
}

/**
 * Rows of `table` with any of `columns` later than the transaction's `now()` plus `skewSeconds`:
 * a clock running ahead, or data written with a wrong time zone, shows up here.
 */
export function scanFutureTimestamps(
  client: pg.ClientBase,
  schema: string,
  table: string,
  columns: readonly string[],
  keyColumns: readonly string[],
  skewSeconds: number,
  sampleLimit = 20,
): Promise<IntegrityScan> {
  return scan(
    client,
    `${qualifiedName(schema, table)} t`,
    columns.map((column) => `t.${quoteIdent(column)} > now() + make_interval(secs => $1)`).join(' OR '),
    [...keyColumns, ...columns].map((column) => `t.${quoteIdent(column)}`),
    [skewSeconds],
    sampleLimit,
  );
}

/** Rows of `table` modified before they were created (`updated < created`). */
export function scanTimestampOrder(
  client: pg.ClientBase,
  schema: string,
  table: string,
  created: string,
  updated: string,
  keyColumns: readonly string[],
  sampleLimit = 20,
): Promise<IntegrityScan> {
  return scan(
    client,
    `${qualifiedName(schema, table)} t`,
    `t.${quoteIdent(updated)} < t.${quoteIdent(created)}`,
    [...keyColumns, created, updated].map((column) => `t.${quoteIdent(column)}`),
    [],
    sampleLimit,
  );
}

/** A reference checked on data, whether or not a foreign key backs it. */
export interface Linkage {
  readonly table: string;
  readonly column: string;
  readonly referencedTable: string;
  readonly referencedColumn: string;
  /** NULL is broken when true. */
  readonly required: boolean;
  /** When both tables carry it, the referenced row must be in the same tenant. */
  readonly tenantColumn?: string;
}

/** Rows whose reference is NULL (when required), names no row, or names another tenant's row. */
export function scanLinkage(
  client: pg.ClientBase,
  schema: string,
  linkage: Linkage,
  keyColumns: readonly string[],
  sampleLimit = 20,
): Promise<IntegrityScan> {
  const column = `t.${quoteIdent(linkage.column)}`;
  const sameTenant =
    linkage.tenantColumn === undefined
      ? ''
      : ` AND p.${quoteIdent(linkage.tenantColumn)} = t.${quoteIdent(linkage.tenantColumn)}`;
  const missing = `NOT EXISTS (SELECT 1 FROM ${qualifiedName(schema, linkage.referencedTable)} p
                               WHERE p.${quoteIdent(linkage.referencedColumn)} = ${column}${sameTenant})`;
  const where = linkage.required ? `${column} IS NULL OR ${missing}` : `${column} IS NOT NULL AND ${missing}`;
  // The count joins the table to the parents' distinct keys, so each row meets at most one and the
  // planner hashes them: one pass. A NOT EXISTS inside count(*) FILTER is a subplan per row instead
  // (19.5 s against 1.5 s on 16.7 M rows); the samples, a LIMITed read, keep it.
  const tenant = linkage.tenantColumn === undefined ? undefined : quoteIdent(linkage.tenantColumn);
  const parents = `SELECT DISTINCT p.${quoteIdent(linkage.referencedColumn)} AS k${tenant === undefined ? '' : `, p.${tenant} AS tk`}
                     FROM ${qualifiedName(schema, linkage.referencedTable)} p`;
  const on = `p.k = ${column}${tenant === undefined ? '' : ` AND p.tk = t.${tenant}`}`;
  const broken = linkage.required
    ? `${column} IS NULL OR p.k IS NULL`
    : `${column} IS NOT NULL AND p.k IS NULL`;
  const countSql = `SELECT count(*) AS scanned, count(*) FILTER (WHERE ${broken}) AS count
                      FROM ${qualifiedName(schema, linkage.table)} t LEFT JOIN (${parents}) p ON ${on}`;
  return scan(
    client,
    `${qualifiedName(schema, linkage.table)} t`,
    where,
    [...keyColumns, linkage.column].map((key) => `t.${quoteIdent(key)}`),
    [],
    sampleLimit,
    countSql,
  );
}
