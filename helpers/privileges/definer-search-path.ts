import type pg from 'pg';
import { reachCte } from './role-reach.ts';

/** A SECURITY DEFINER function the application role may call whose search_path is not pinned. */
export interface UnpinnedDefinerFunction {
  /** `schema.name(args)`. */
  readonly function: string;
  readonly owner: string;
  /** The role that gives the application EXECUTE: itself, a role it is a member of, or PUBLIC. */
  readonly grantee: string;
}

/**
 * SECURITY DEFINER functions outside the system schemas that a role the application can act as may
 * EXECUTE (PUBLIC has EXECUTE unless revoked), with no `search_path` in their `SET` clauses
 * (proconfig). Such a function resolves unqualified names through the caller's search_path while
 * running as its owner: the caller can put its own `public.now()` or table in front and run it as the
 * owner.
 */
export async function readUnpinnedDefinerFunctions(
  client: pg.ClientBase,
  appRole: string,
): Promise<readonly UnpinnedDefinerFunction[]> {
  const result = await client.query<UnpinnedDefinerFunction>(
    `${reachCte('$1')}
     SELECT DISTINCT ON (p.oid)
            format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS function,
            pg_get_userbyid(p.proowner)::text AS owner,
            CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END AS grantee
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
            aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
      WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_%'
        AND a.privilege_type = 'EXECUTE' AND a.grantee IN (SELECT oid FROM reach)
        AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) AS setting
                         WHERE setting LIKE 'search\\_path=%')
      ORDER BY p.oid, a.grantee = 0`,
    [appRole],
  );
  return [...result.rows].sort((x, y) => x.function.localeCompare(y.function));
}
