import type pg from 'pg';
import type { PolicyFunction } from './context-value.ts';

export const POLICY_COMMANDS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;
export type PolicyCommand = (typeof POLICY_COMMANDS)[number];

/** A policy on a tenant table that binds the application role (TO PUBLIC or a role it has). */
export interface CatalogPolicy {
  readonly table: string;
  readonly name: string;
  readonly permissive: boolean;
  /** `ALL` or one command. */
  readonly command: PolicyCommand | 'ALL';
  /** As `pg_get_expr` prints them. */
  readonly using: string | null;
  readonly withCheck: string | null;
}

export interface PolicyCatalog {
  readonly policies: readonly CatalogPolicy[];
  /** User functions the policies depend on (pg_depend), with their bodies. */
  readonly functions: readonly PolicyFunction[];
}

const VOLATILITY = { i: 'immutable', s: 'stable', v: 'volatile' } as const;

/**
 * Reads the policies of `tables` in `schema` that apply to `appRole` (permissive and restrictive),
 * and every user function they call. A missing role gets the PUBLIC policies only.
 */
export async function readPolicyCatalog(
  client: pg.ClientBase,
  options: { readonly schema: string; readonly tables: readonly string[]; readonly appRole: string },
): Promise<PolicyCatalog> {
  const policies = await client.query<{
    table: string;
    name: string;
    permissive: boolean;
    command: CatalogPolicy['command'];
    using: string | null;
    with_check: string | null;
  }>(
    `SELECT c.relname AS table, p.polname AS name, p.polpermissive AS permissive,
            CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                          WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
            pg_get_expr(p.polqual, p.polrelid) AS using,
            pg_get_expr(p.polwithcheck, p.polrelid) AS with_check
       FROM pg_policy p
       JOIN pg_class c ON c.oid = p.polrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[])
        AND EXISTS (SELECT 1 FROM unnest(p.polroles) AS granted(oid)
                     WHERE granted.oid = 0
                        OR EXISTS (SELECT 1 FROM pg_roles r
                                    WHERE r.rolname = $3 AND pg_has_role(r.oid, granted.oid, 'USAGE')))
      ORDER BY 1, 2`,
    [options.schema, options.tables, options.appRole],
  );
  const functions = await client.query<{
    schema: string;
    name: string;
    language: string;
    source: string | null;
    volatility: keyof typeof VOLATILITY;
  }>(
    `SELECT DISTINCT fn.nspname AS schema, f.proname AS name,
            CASE WHEN f.prosqlbody IS NOT NULL THEN 'sql-standard' ELSE l.lanname END AS language,
            CASE WHEN f.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(f.oid) ELSE f.prosrc END AS source,
            f.provolatile AS volatility
       FROM pg_policy p
       JOIN pg_class c ON c.oid = p.polrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_depend d ON d.classid = 'pg_policy'::regclass AND d.objid = p.oid
                       AND d.refclassid = 'pg_proc'::regclass
       JOIN pg_proc f ON f.oid = d.refobjid
       JOIN pg_namespace fn ON fn.oid = f.pronamespace
       JOIN pg_language l ON l.oid = f.prolang
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[])
      ORDER BY 1, 2`,
    [options.schema, options.tables],
  );
  return {
    policies: policies.rows.map((row) => ({
      table: row.table,
      name: row.name,
      permissive: row.permissive,
      command: row.command,
      using: row.using,
      withCheck: row.with_check,
    })),
    functions: functions.rows.map((row) => ({
      schema: row.schema,
      name: row.name,
      language: row.language,
      source: row.source ?? '',
      volatility: VOLATILITY[row.volatility],
    })),
  };
}
