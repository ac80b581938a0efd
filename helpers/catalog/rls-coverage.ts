import type pg from 'pg';

/** One row-level-security policy as `pg_policies` shows it. */
export interface RlsPolicy {
  readonly name: string;
  readonly permissive: boolean;
  readonly roles: readonly string[];
  /** `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`. */
  readonly command: string;
  readonly using: string | null;
  readonly withCheck: string | null;
}

/** RLS state of one table; `exists: false` when the table is missing from the schema. */
export interface RlsCoverage {
  readonly table: string;
  readonly exists: boolean;
  readonly enabled: boolean;
  readonly forced: boolean;
  readonly policies: readonly RlsPolicy[];
}

/**
 * Reads RLS flags and policies of `tables` in `schema` from the catalog (`pg_class`, `pg_policies`).
 * A table that does not exist comes back with `exists: false`, so the caller fails it by name.
 */
export async function readRlsCoverage(
  client: pg.ClientBase,
  schema: string,
  tables: readonly string[],
): Promise<ReadonlyMap<string, RlsCoverage>> {
  const result = await client.query<{
    table: string;
    exists: boolean;
    enabled: boolean;
    forced: boolean;
    policies: RlsPolicy[] | null;
  }>(
    `SELECT t.name AS table, c.oid IS NOT NULL AS exists,
            coalesce(c.relrowsecurity, false) AS enabled, coalesce(c.relforcerowsecurity, false) AS forced,
            (SELECT json_agg(json_build_object(
                      'name', p.policyname, 'permissive', p.permissive = 'PERMISSIVE', 'roles', p.roles::text[],
                      'command', p.cmd, 'using', p.qual, 'withCheck', p.with_check) ORDER BY p.policyname)
               FROM pg_policies p WHERE p.schemaname = $1 AND p.tablename = t.name) AS policies
       FROM unnest($2::text[]) AS t(name)
       LEFT JOIN pg_namespace n ON n.nspname = $1
       LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.name AND c.relkind IN ('r', 'p')`,
    [schema, tables],
  );
  return new Map(
    result.rows.map((row) => [
      row.table,
      {
        table: row.table,
        exists: row.exists,
        enabled: row.enabled,
        forced: row.forced,
        policies: row.policies ?? [],
      },
    ]),
  );
}
