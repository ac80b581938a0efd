import type pg from 'pg';

/** A table outside the gated schema that carries the tenant key, with its RLS state. */
export interface OtherSchemaTenantTable {
  readonly schema: string;
  readonly table: string;
  readonly rlsEnabled: boolean;
  readonly rlsForced: boolean;
  readonly policies: number;
}

/**
 * Tables with the tenant key in every non-system schema other than `schema` (partitions are judged
 * through their parent). A tenant table in another schema is still tenant data: the gate must not pass
 * it over because the config names one schema.
 */
export async function readOtherSchemaTenantTables(
  client: pg.ClientBase,
  schema: string,
  tenantKey: string,
): Promise<readonly OtherSchemaTenantTable[]> {
  const result = await client.query<{
    schema: string;
    table: string;
    enabled: boolean;
    forced: boolean;
    policies: number;
  }>(
    `SELECT n.nspname AS schema, c.relname AS table, c.relrowsecurity AS enabled,
            c.relforcerowsecurity AS forced,
            (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname <> $1
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
        AND EXISTS (SELECT 1 FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped)
      ORDER BY 1, 2`,
    [schema, tenantKey],
  );
  return result.rows.map((row) => ({
    schema: row.schema,
    table: row.table,
    rlsEnabled: row.enabled,
    rlsForced: row.forced,
    policies: row.policies,
  }));
}
