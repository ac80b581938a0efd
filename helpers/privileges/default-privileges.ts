import type pg from 'pg';
import { GRANTEE_NAME, reachCte } from './role-reach.ts';

/** An `ALTER DEFAULT PRIVILEGES` entry that hands future tables to the application role or PUBLIC. */
export interface DefaultTableGrant {
  /** The role whose future tables get the grant. */
  readonly creator: string;
  /** The schema it applies in, or null for every schema. */
  readonly schema: string | null;
  readonly privilege: string;
  readonly grantee: string;
}

/**
 * Default privileges on tables (pg_default_acl, object type `r`) in `schema` or in every schema that
 * grant anything to a role the application role can act as, PUBLIC included: each table created
 * later is then readable or writable by the application before anyone enables RLS on it.
 */
export async function readDefaultTableGrants(
  client: pg.ClientBase,
  schema: string,
  appRole: string,
): Promise<readonly DefaultTableGrant[]> {
  const result = await client.query<DefaultTableGrant>(
    `${reachCte('$2')}
     SELECT pg_get_userbyid(d.defaclrole)::text AS creator, n.nspname::text AS schema,
            a.privilege_type AS privilege, ${GRANTEE_NAME} AS grantee
       FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace,
            aclexplode(d.defaclacl) a
      WHERE d.defaclobjtype = 'r' AND (d.defaclnamespace = 0 OR n.nspname = $1)
        AND a.grantee IN (SELECT oid FROM reach)
      ORDER BY 1, 2 NULLS FIRST, 3, 4`,
    [schema, appRole],
  );
  return result.rows;
}
