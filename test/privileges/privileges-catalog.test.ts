import { randomBytes } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { readDefaultTableGrants } from '../../helpers/privileges/default-privileges.ts';
import { readUnpinnedDefinerFunctions } from '../../helpers/privileges/definer-search-path.ts';
import { readRoleReach } from '../../helpers/privileges/role-reach.ts';
import { diffSecurity } from '../../helpers/privileges/security-diff.ts';
import { takeSecuritySnapshot } from '../../helpers/privileges/security-snapshot.ts';
import { readReachablePrivileges } from '../../helpers/privileges/table-privileges.ts';
import { catalogDatabase } from '../catalog/catalog-database.ts';

/** Cluster-wide roles with a unique suffix, dropped (with what they own in `db`) at the end. */
async function withRoles<T>(
  names: readonly string[],
  work: (roles: Readonly<Record<string, string>>) => Promise<T>,
): Promise<T> {
  const suffix = randomBytes(4).toString('hex');
  const roles = Object.fromEntries(names.map((name) => [name, `mg_priv_${name}_${suffix}`]));
  const admin = await connectClient(inject('adminUrl'));
  try {
    for (const role of Object.values(roles)) await admin.query(`CREATE ROLE ${role} NOLOGIN NOINHERIT`);
    return await work(roles);
  } finally {
    for (const role of Object.values(roles))
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
  }
}

describe('privileges the application role can reach', () => {
  test('through itself, PUBLIC and nested membership (NOINHERIT included), table and column grants', async () => {
    await withRoles(
      ['app', 'middle', 'top', 'other'],
      async ({ app = '', middle = '', top = '', other = '' }) => {
        await using lab = await catalogDatabase({
          sql: `CREATE TABLE t (id int, tenant_id int, note text);
              GRANT ${middle} TO ${app}; GRANT ${top} TO ${middle};
              GRANT SELECT ON t TO ${app}; GRANT TRIGGER ON t TO PUBLIC; GRANT REFERENCES ON t TO ${top};
              GRANT UPDATE (tenant_id) ON t TO ${middle}; GRANT TRUNCATE ON t TO ${other};`,
        });
        try {
          const reach = await readRoleReach(lab.client, app);
          // Itself first, then the roles it can act as by name, PUBLIC last.
          expect(reach).toEqual({ exists: true, roles: [app, middle, top, 'PUBLIC'] });
          const found = await readReachablePrivileges(lab.client, 'public', ['t'], app);
          expect(
            found.map((p) => `${p.privilege}${p.column === null ? '' : `(${p.column})`}:${p.grantee}`).sort(),
          ).toEqual(
            [`SELECT:${app}`, 'TRIGGER:PUBLIC', `REFERENCES:${top}`, `UPDATE(tenant_id):${middle}`].sort(),
          );
        } finally {
          await lab.client.query(`DROP OWNED BY ${app}, ${middle}, ${top}, ${other}`);
        }
      },
    );
  });

  test('a missing role reaches only PUBLIC and reports that it does not exist', async () => {
    await using lab = await catalogDatabase();
    expect(await readRoleReach(lab.client, 'mg_no_such_role')).toEqual({ exists: false, roles: ['PUBLIC'] });
  });

  test('default privileges for future tables, and unpinned SECURITY DEFINER functions the role may execute', async () => {
    await withRoles(['app', 'admin'], async ({ app = '', admin = '' }) => {
      await using lab = await catalogDatabase({
        sql: `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;
              ALTER DEFAULT PRIVILEGES GRANT INSERT ON TABLES TO ${app};
              ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT DELETE ON TABLES TO ${admin};
              CREATE FUNCTION open_fn() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
              CREATE FUNCTION pinned_fn() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS 'SELECT 1';
              CREATE FUNCTION closed_fn() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
              REVOKE EXECUTE ON FUNCTION closed_fn() FROM PUBLIC;
              CREATE FUNCTION invoker_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';`,
      });
      try {
        const defaults = await readDefaultTableGrants(lab.client, 'public', app);
        expect(defaults.map((d) => `${d.privilege}:${d.grantee}:${d.schema ?? '*'}`).sort()).toEqual(
          [`INSERT:${app}:*`, 'SELECT:PUBLIC:public'].sort(),
        );
        const functions = await readUnpinnedDefinerFunctions(lab.client, app);
        expect(functions.map((f) => `${f.function}:${f.grantee}`)).toEqual(['public.open_fn():PUBLIC']);
      } finally {
        await lab.client.query(`DROP OWNED BY ${app}, ${admin}`);
        await lab.client.query(
          `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM PUBLIC`,
        );
      }
    });
  });
});

describe('security snapshot on a real catalog', () => {
  test('a policy ANDed with a condition is narrowed; OR-ed is widened; FORCE off is widened', async () => {
    await using lab = await catalogDatabase({
      sql: `CREATE TABLE d (id int, tenant_id int, title text);
            ALTER TABLE d ENABLE ROW LEVEL SECURITY; ALTER TABLE d FORCE ROW LEVEL SECURITY;
            CREATE POLICY p ON d USING (tenant_id = current_setting('app.t', true)::int);
            CREATE POLICY q ON d USING (tenant_id = current_setting('app.t', true)::int);`,
    });
    const before = await takeSecuritySnapshot(lab.client, 'public');
    await lab.client
      .query(`ALTER POLICY p ON d USING (tenant_id = current_setting('app.t', true)::int AND title <> '');
                            ALTER POLICY q ON d USING (tenant_id = current_setting('app.t', true)::int OR title = 'shared');
                            ALTER TABLE d NO FORCE ROW LEVEL SECURITY;`);
    const after = await takeSecuritySnapshot(lab.client, 'public');
    const changes = diffSecurity(before, after, { appRole: 'nobody', acknowledged: [] });
    const of = (object: string): string | undefined => changes.find((c) => c.object === object)?.change;
    expect(of('public.d policy p')).toBe('narrowed');
    expect(of('public.d policy q')).toBe('widened');
    expect(of('public.d RLS')).toBe('widened');
  });
});
