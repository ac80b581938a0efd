import type pg from 'pg';

/**
 * `reach(oid)`: the application role, every role it is a member of (recursively, through
 * pg_auth_members, whatever INHERIT says — a member can always `SET ROLE` to it) and PUBLIC (oid 0).
 * A privilege granted to any of them is one the application can use. `$param` names the role.
 */
export function reachCte(param: string): string {
  return `WITH RECURSIVE member_of(oid) AS (
       SELECT r.oid FROM pg_roles r WHERE r.rolname = ${param}
       UNION
       SELECT m.roleid FROM pg_auth_members m JOIN member_of ON m.member = member_of.oid),
     reach(oid) AS (SELECT oid FROM member_of UNION SELECT 0::oid)`;
}

/** SQL for a grantee oid's name, PUBLIC for 0. */
export const GRANTEE_NAME = `CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END`;

/** Whether the application role exists and the roles it can act as (itself first, PUBLIC last). */
export interface RoleReach {
  readonly exists: boolean;
  readonly roles: readonly string[];
}

export async function readRoleReach(client: pg.ClientBase, appRole: string): Promise<RoleReach> {
  const result = await client.query<{ name: string; own: boolean }>(
    `${reachCte('$1')}
     SELECT CASE WHEN oid = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(oid)::text END AS name,
            oid <> 0 AND pg_get_userbyid(oid) = $1 AS own
       FROM reach ORDER BY own DESC, oid = 0, 1`,
    [appRole],
  );
  return { exists: result.rows.some((row) => row.own), roles: result.rows.map((row) => row.name) };
}
