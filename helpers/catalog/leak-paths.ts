import type pg from 'pg';

/** The application role's attributes that decide whether RLS binds it at all. */
export interface AppRoleAttributes {
  readonly exists: boolean;
  readonly superuser: boolean;
  readonly bypassRls: boolean;
  /** Roles the application role is a member of (directly or not) that are superuser or BYPASSRLS. */
  readonly privilegedMemberships: readonly string[];
}

/** A relation or function through which the application role could read a tenant table past its policies. */
export interface LeakPath {
  readonly kind: 'view' | 'materialized-view' | 'security-definer-function' | 'partition';
  /** `schema.name`, or `schema.name(args)` for a function. */
  readonly object: string;
  readonly owner: string;
  /** The tenant table it reads. */
  readonly table: string;
  readonly detail: string;
}

/** Reads what RLS cannot protect against: the role's own attributes and memberships. */
export async function readAppRole(client: pg.ClientBase, appRole: string): Promise<AppRoleAttributes> {
  const role = await client.query<{ rolsuper: boolean; rolbypassrls: boolean; privileged: string[] }>(
    `SELECT r.rolsuper, r.rolbypassrls,
            coalesce((SELECT array_agg(m.rolname::text ORDER BY m.rolname) FROM pg_roles m
                       WHERE m.oid <> r.oid AND pg_has_role(r.oid, m.oid, 'MEMBER')
                         AND (m.rolsuper OR m.rolbypassrls)), '{}') AS privileged
       FROM pg_roles r WHERE r.rolname = $1`,
    [appRole],
  );
  const row = role.rows[0];
  if (row === undefined)
    return { exists: false, superuser: false, bypassRls: false, privilegedMemberships: [] };
  return {
    exists: true,
    superuser: row.rolsuper,
    bypassRls: row.rolbypassrls,
    privilegedMemberships: row.privileged,
  };
}

/**
 * Tables of `tables` the application role owns, or could act as the owner of (member of the owning
 * role): owners are exempt from RLS unless FORCE is set, and may ALTER or DISABLE it.
 */
export async function tablesOwnedByAppRole(
  client: pg.ClientBase,
  schema: string,
  tables: readonly string[],
  appRole: string,
): Promise<readonly { readonly table: string; readonly owner: string }[]> {
  const result = await client.query<{ table: string; owner: string }>(
    `SELECT c.relname AS table, pg_get_userbyid(c.relowner) AS owner
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p')
        AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = $3 AND pg_has_role(r.oid, c.relowner, 'MEMBER'))
      ORDER BY 1`,
    [schema, tables, appRole],
  );
  return result.rows;
}

/**
 * Views and materialized views readable by the application role that read (directly, or through
 * other views) a table of `tables`. A view that is not `security_invoker` runs with its owner's
 * rights — the owner's RLS exemption included — and a materialized view stores rows with no RLS at
 * all; both are leak paths. Security-invoker views are returned too, with `detail` saying so, and
 * left out of the result only by the caller.
 */
export async function readViewPaths(
  client: pg.ClientBase,
  schema: string,
  tables: readonly string[],
  appRole: string,
): Promise<readonly (LeakPath & { readonly securityInvoker: boolean })[]> {
  const result = await client.query<{
    kind: 'v' | 'm';
    object: string;
    owner: string;
    table: string;
    invoker: boolean;
  }>(
    `WITH RECURSIVE reads(view_oid, table_oid) AS (
       SELECT r.ev_class, d.refobjid
         FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
        WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
       UNION
       SELECT reads.view_oid, d.refobjid
         FROM reads JOIN pg_rewrite r ON r.ev_class = reads.table_oid
         JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
        WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class)
     SELECT DISTINCT v.relkind::text AS kind, format('%I.%I', vn.nspname, v.relname) AS object,
            pg_get_userbyid(v.relowner) AS owner, t.relname AS table,
            coalesce(v.reloptions::text[] && ARRAY['security_invoker=true', 'security_invoker=on', 'security_invoker=1'], false) AS invoker
       FROM reads
       JOIN pg_class v ON v.oid = reads.view_oid AND v.relkind IN ('v', 'm')
       JOIN pg_namespace vn ON vn.oid = v.relnamespace
       JOIN pg_class t ON t.oid = reads.table_oid AND t.relkind IN ('r', 'p')
       JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE tn.nspname = $1 AND t.relname = ANY($2::text[])
        AND has_table_privilege($3, v.oid, 'SELECT')
      ORDER BY 2, 4`,
    [schema, tables, appRole],
  );
  return result.rows.map((row) => ({
    kind: row.kind === 'm' ? 'materialized-view' : 'view',
    object: row.object,
    owner: row.owner,
    table: row.table,
    securityInvoker: row.kind === 'v' && row.invoker,
    detail:
      row.kind === 'm'
        ? `materialized view over ${row.table}, readable by ${appRole}: its stored rows have no RLS`
        : row.invoker
          ? `security_invoker view over ${row.table}: policies apply to the reader`
          : `view over ${row.table} without security_invoker, readable by ${appRole}: it reads as its owner ${row.owner}`,
  }));
}

/**
 * SECURITY DEFINER functions the application role may EXECUTE whose body names a table of `tables`
 * (SQL-standard bodies through `pg_depend`, others by a word match on the source text — PL/pgSQL
 * dependencies are not recorded in the catalog). They run as their owner, past the caller's policies.
 */
export async function readDefinerFunctions(
  client: pg.ClientBase,
  schema: string,
  tables: readonly string[],
  appRole: string,
): Promise<readonly LeakPath[]> {
  const result = await client.query<{
    object: string;
    owner: string;
    source: string;
    depends_on: string[];
    bypass: boolean;
  }>(
    `SELECT format('%I.%I(%s)', pn.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS object,
            pg_get_userbyid(p.proowner) AS owner, coalesce(p.prosrc, '') AS source,
            coalesce((SELECT array_agg(c.relname::text) FROM pg_depend d
                        JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace cn ON cn.oid = c.relnamespace
                       WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                         AND d.refclassid = 'pg_class'::regclass AND cn.nspname = $1), '{}') AS depends_on,
            (o.rolsuper OR o.rolbypassrls) AS bypass
       FROM pg_proc p
       JOIN pg_namespace pn ON pn.oid = p.pronamespace
       JOIN pg_roles o ON o.oid = p.proowner
      WHERE p.prosecdef AND pn.nspname NOT IN ('pg_catalog', 'information_schema')
        AND has_function_privilege($2, p.oid, 'EXECUTE')
      ORDER BY 1`,
    [schema, appRole],
  );
  const paths: LeakPath[] = [];
  for (const row of result.rows) {
    for (const table of tables) {
      if (!row.depends_on.includes(table) && !namesTable(row.source, table)) continue;
      paths.push({
        kind: 'security-definer-function',
        object: row.object,
        owner: row.owner,
        table,
        detail: `SECURITY DEFINER function executable by ${appRole} that reads ${table} as ${row.owner}${row.bypass ? ' (superuser or BYPASSRLS: no policy applies)' : ''}`,
      });
    }
  }
  return paths;
}

/** Whether a function body mentions `table` as a whole identifier (quoted or not). */
export function namesTable(source: string, table: string): boolean {
  const escaped = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9_$])"?${escaped}"?($|[^a-z0-9_$])`, 'i').test(source);
}

/**
 * Partitions of a partitioned tenant table (at any depth) the application role may query directly
 * and that have row-level security off: a query naming the partition is checked against the
 * partition's own policies, never the parent's, so with RLS off there it sees every tenant's rows.
 */
export async function readPartitionPaths(
  client: pg.ClientBase,
  schema: string,
  tables: readonly string[],
  appRole: string,
): Promise<readonly LeakPath[]> {
  const result = await client.query<{ table: string; object: string; owner: string; privileges: string[] }>(
    `WITH RECURSIVE parts AS (
       SELECT c.relname::text AS table, i.inhrelid AS oid
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_inherits i ON i.inhparent = c.oid
        WHERE n.nspname = $1 AND c.relname = ANY ($2::text[]) AND c.relkind = 'p'
       UNION ALL
       SELECT parts.table, i.inhrelid FROM parts JOIN pg_inherits i ON i.inhparent = parts.oid)
     SELECT parts.table, p.oid::regclass::text AS object, pg_get_userbyid(p.relowner) AS owner,
            array(SELECT privilege FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS privilege
                   WHERE has_table_privilege($3, p.oid, privilege)) AS privileges
       FROM parts JOIN pg_class p ON p.oid = parts.oid
      WHERE p.relispartition AND NOT p.relrowsecurity
        AND has_table_privilege($3, p.oid, 'SELECT, INSERT, UPDATE, DELETE')
      ORDER BY 1, 2`,
    [schema, tables, appRole],
  );
  return result.rows.map((row) => ({
    kind: 'partition',
    object: row.object,
    owner: row.owner,
    table: row.table,
    detail: `partition ${row.object} of ${row.table}: ${appRole} may ${row.privileges.join(', ')} it directly and it has row-level security off, so the parent's policies do not apply`,
  }));
}
