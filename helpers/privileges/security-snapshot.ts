import type pg from 'pg';

/** A row-level-security policy as the catalog holds it, expressions normalised for comparison. */
export interface PolicyState {
  readonly table: string;
  readonly name: string;
  readonly permissive: boolean;
  /** Role names, sorted; `public` for PUBLIC. */
  readonly roles: readonly string[];
  /** `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`. */
  readonly command: string;
  readonly using: string | null;
  readonly withCheck: string | null;
}

/** One privilege a role other than the table's owner holds on a table (or one of its columns). */
export interface GrantState {
  readonly table: string;
  readonly column: string | null;
  readonly grantee: string;
  readonly privilege: string;
}

export interface RlsFlagState {
  readonly table: string;
  readonly enabled: boolean;
  readonly forced: boolean;
}

/** The security-relevant state of a schema's tables: what the policy/grant diff compares. */
export interface SecuritySnapshot {
  readonly schema: string;
  readonly takenAt: string;
  readonly policies: readonly PolicyState[];
  readonly grants: readonly GrantState[];
  readonly tables: readonly RlsFlagState[];
  /** Every column of those tables, `table.column`: a grant on a column the run adds is no widening. */
  readonly columns?: readonly string[];
}

/** Whitespace collapsed, so a reformatted but identical expression compares equal. */
export function normaliseExpression(expression: string | null): string | null {
  return expression === null ? null : expression.replace(/\s+/g, ' ').trim();
}

/** Reads policies, non-owner table and column grants, and RLS / FORCE flags of `schema`'s tables. */
export async function takeSecuritySnapshot(client: pg.ClientBase, schema: string): Promise<SecuritySnapshot> {
  const policies = await client.query<Omit<PolicyState, 'roles'> & { roles: string[] }>(
    `SELECT tablename::text AS table, policyname::text AS name, permissive = 'PERMISSIVE' AS permissive,
            (SELECT array_agg(r::text ORDER BY r) FROM unnest(roles) r) AS roles, cmd AS command,
            qual AS using, with_check AS "withCheck"
       FROM pg_policies WHERE schemaname = $1 ORDER BY 1, 2`,
    [schema],
  );
  const grants = await client.query<GrantState>(
    `SELECT c.relname::text AS table, NULL::text AS column,
            CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END AS grantee,
            a.privilege_type AS privilege
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.grantee <> c.relowner
     UNION ALL
     SELECT c.relname::text, att.attname::text,
            CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END,
            a.privilege_type
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute att ON att.attrelid = c.oid AND att.attnum > 0 AND NOT att.attisdropped,
            aclexplode(att.attacl) a
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.grantee <> c.relowner
      ORDER BY 1, 2 NULLS FIRST, 3, 4`,
    [schema],
  );
  const tables = await client.query<RlsFlagState>(
    `SELECT c.relname::text AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
    [schema],
  );
  const columns = await client.query<{ name: string }>(
    `SELECT c.relname || '.' || a.attname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`,
    [schema],
  );
  return {
    schema,
    takenAt: new Date().toISOString(),
    columns: columns.rows.map((row) => row.name),
    policies: policies.rows.map((row) => ({
      ...row,
      roles: row.roles,
      using: normaliseExpression(row.using),
      withCheck: normaliseExpression(row.withCheck),
    })),
    grants: grants.rows,
    tables: tables.rows,
  };
}
