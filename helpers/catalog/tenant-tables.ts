import type pg from 'pg';
import type { GateConfig } from '../config/gate-config.ts';

/** A table the gate treats as tenant-scoped, with the column that carries the tenant. */
export interface TenantTable {
  readonly schema: string;
  readonly table: string;
  /** `tenant_id` for most tables; the primary key (`id`) for the tenants table itself. */
  readonly tenantColumn: string;
  readonly rlsEnabled: boolean;
  readonly rlsForced: boolean;
  readonly owner: string;
}

/**
 * Discovers tenant-scoped tables from the catalog: every ordinary or partitioned table of the
 * schema with the tenant key column, plus the tenant table (when there is one) keyed by its primary key. A table added
 * by a future migration is found here with no new test.
 */
export async function discoverTenantTables(
  client: pg.ClientBase,
  config: GateConfig,
): Promise<readonly TenantTable[]> {
  const result = await client.query<{
    table: string;
    tenant_column: string;
    relrowsecurity: boolean;
    relforcerowsecurity: boolean;
    owner: string;
  }>(
    `SELECT c.relname AS table,
            CASE WHEN c.relname = $3 THEN pk.attname ELSE $2 END AS tenant_column,
            c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) AS owner
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN LATERAL (
         SELECT a.attname FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
          WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnatts = 1) pk ON true
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND (c.relname = $3 OR EXISTS (
              SELECT 1 FROM pg_attribute a
               WHERE a.attrelid = c.oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped))
      ORDER BY c.relname`,
    [config.schema, config.tenancy.tenantKey, config.tenancy.tenantTable ?? null],
  );
  return result.rows.map((row) => ({
    schema: config.schema,
    table: row.table,
    tenantColumn: row.tenant_column,
    rlsEnabled: row.relrowsecurity,
    rlsForced: row.relforcerowsecurity,
    owner: row.owner,
  }));
}
