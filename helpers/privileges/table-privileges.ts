import type pg from 'pg';
import { GRANTEE_NAME, reachCte } from './role-reach.ts';

/** A privilege the application role can use on a table or one of its columns, and whose grant gives it. */
export interface ReachablePrivilege {
  readonly schema: string;
  readonly table: string;
  /** Null for a table-level grant (which covers every column). */
  readonly column: string | null;
  /** `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`, `REFERENCES`, `TRIGGER`. */
  readonly privilege: string;
  /** The role the grant names: the application role, a role it is a member of, or PUBLIC. */
  readonly grantee: string;
}

/**
 * Table and column privileges on `tables` of `schema` that the application role can use: granted to
 * it, to PUBLIC, or to any role it is a member of ({@link reachCte}). An ACL that was never set is the
 * owner's default (all privileges), so a role that can act as the owner shows them all.
 */
export async function readReachablePrivileges(
  client: pg.ClientBase,
  schema: string,
  tables: readonly string[],
  appRole: string,
): Promise<readonly ReachablePrivilege[]> {
  const result = await client.query<ReachablePrivilege>(
    `${reachCte('$3')},
     target AS (
       SELECT c.oid, n.nspname, c.relname, c.relowner, c.relacl FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f'))
     SELECT t.nspname AS schema, t.relname AS table, NULL::text AS column, a.privilege_type AS privilege,
            ${GRANTEE_NAME} AS grantee
       FROM target t, aclexplode(coalesce(t.relacl, acldefault('r', t.relowner))) a
      WHERE a.grantee IN (SELECT oid FROM reach)
     UNION ALL
     SELECT t.nspname, t.relname, att.attname::text, a.privilege_type, ${GRANTEE_NAME}
       FROM target t JOIN pg_attribute att ON att.attrelid = t.oid AND att.attnum > 0 AND NOT att.attisdropped,
            aclexplode(att.attacl) a
      WHERE att.attacl IS NOT NULL AND a.grantee IN (SELECT oid FROM reach)
      ORDER BY 2, 3 NULLS FIRST, 4, 5`,
    [schema, tables, appRole],
  );
  return result.rows;
}
