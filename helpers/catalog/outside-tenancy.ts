import type pg from 'pg';

/** A table of the schema the application role can reach that is no tenant table: not judged for isolation. */
export interface OutsideTenancyTable {
  readonly table: string;
  readonly privileges: readonly string[];
  readonly rlsEnabled: boolean;
  readonly rlsForced: boolean;
  readonly policies: number;
}

/**
 * Tables of `schema` (partitions aside) outside `tenantTables` on which `appRole` holds SELECT, INSERT,
 * UPDATE or DELETE: a global lookup table, a per-user table, a child too deep or with only nullable keys
 * to be followed (derived-tenant-tables.ts). CE-23 probes none of them, so these are listed — what the
 * run did not judge is said, not left silent.
 */
export async function readOutsideTenancyTables(
  client: pg.ClientBase,
  schema: string,
  tenantTables: readonly string[],
  appRole: string,
): Promise<readonly OutsideTenancyTable[]> {
  const result = await client.query<{
    table: string;
    privileges: string[];
    rls: boolean;
    forced: boolean;
    policies: number;
  }>(
    `SELECT c.relname::text AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
            (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
            array(SELECT privilege FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS privilege
                   WHERE has_table_privilege($3, c.oid, privilege)) AS privileges
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND NOT (c.relname = ANY ($2::text[]))
        AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $3)
        AND has_table_privilege($3, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
      ORDER BY 1`,
    [schema, tenantTables, appRole],
  );
  return result.rows.map((row) => ({
    table: row.table,
    privileges: row.privileges,
    rlsEnabled: row.rls,
    rlsForced: row.forced,
    policies: row.policies,
  }));
}
