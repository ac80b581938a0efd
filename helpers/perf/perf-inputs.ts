import type pg from 'pg';
import type { PerformanceParam } from '../config/gate-config.ts';
import type { TenantTable } from '../catalog/tenant-tables.ts';
import { qualifiedName, quoteIdent } from '../db/sql-identifier.ts';

/** Rows read to find the busiest tenant: bounded, so a huge staging table costs a few milliseconds. */
const TENANT_SAMPLE_ROWS = 20_000;

/** A tenant table with the planner's row estimate. */
export interface SizedTenantTable {
  readonly table: TenantTable;
  readonly estimatedRows: number;
}

/** Tenant tables with `pg_class.reltuples` (0 for a table never analysed), largest first. */
export async function sizeTenantTables(
  client: pg.ClientBase,
  tables: readonly TenantTable[],
): Promise<readonly SizedTenantTable[]> {
  const sized: SizedTenantTable[] = [];
  for (const table of tables) {
    const result = await client.query<{ estimate: number }>(
      `SELECT greatest(reltuples, 0)::float8 AS estimate FROM pg_class WHERE oid = $1::regclass`,
      [qualifiedName(table.schema, table.table)],
    );
    sized.push({ table, estimatedRows: result.rows[0]?.estimate ?? 0 });
  }
  return sized.sort(
    (a, b) => b.estimatedRows - a.estimatedRows || a.table.table.localeCompare(b.table.table),
  );
}

/**
 * The tenant to measure with: the one with the most rows among the first rows of the largest tenant
 * table (the heaviest tenant is the honest test of a per-tenant query). Undefined when there are no rows.
 */
export async function chooseTenant(
  client: pg.ClientBase,
  largest: TenantTable | undefined,
): Promise<string | undefined> {
  if (largest === undefined) return undefined;
  const key = quoteIdent(largest.tenantColumn);
  const result = await client.query<{ tenant: string }>(
    `SELECT k::text AS tenant FROM (SELECT ${key} AS k FROM ${qualifiedName(largest.schema, largest.table)}
        WHERE ${key} IS NOT NULL LIMIT ${TENANT_SAMPLE_ROWS}) AS s
      GROUP BY k ORDER BY count(*) DESC, k::text LIMIT 1`,
  );
  return result.rows[0]?.tenant;
}

/** The values of a query's `$n`, chosen from the data as the owner; throws naming the parameter that found no row. */
export async function resolveParams(
  client: pg.ClientBase,
  query: { readonly name: string; readonly params: readonly PerformanceParam[] },
  tenantId: string,
): Promise<readonly unknown[]> {
  const values: unknown[] = [];
  for (const [index, param] of query.params.entries()) {
    if (param === 'tenant') {
      values.push(tenantId);
      continue;
    }
    const result = await client.query<Record<string, unknown>>(
      param.sql,
      param.sql.includes('$1') ? [tenantId] : [],
    );
    const row = result.rows[0];
    const value = row === undefined ? undefined : Object.values(row)[0];
    if (value === undefined || value === null) {
      throw new Error(
        `performance query ${query.name}: parameter $${index + 1} (${param.sql}) found no row for tenant ${tenantId}.`,
      );
    }
    values.push(value);
  }
  return values;
}
