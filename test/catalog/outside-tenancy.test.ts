import { describe, expect, test } from 'vitest';
import { readOutsideTenancyTables } from '../../helpers/catalog/outside-tenancy.ts';
import gateConfig from '../../gate.config.ts';
import { catalogDatabase } from './catalog-database.ts';

describe('tables the application reaches outside tenancy', () => {
  test('a lookup table and a per-user table the app role holds privileges on are listed; tenant tables and ungranted ones are not', async () => {
    await using lab = await catalogDatabase({
      migrated: true,
      sql: `CREATE TABLE countries (code text PRIMARY KEY);
            GRANT SELECT ON countries TO c2pro_app;
            CREATE TABLE profiles (user_id uuid PRIMARY KEY, bio text);
            ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
            CREATE POLICY own ON profiles TO c2pro_app USING (true);
            GRANT SELECT, UPDATE ON profiles TO c2pro_app;
            CREATE TABLE internal_notes (id int PRIMARY KEY);`,
    });
    const found = await readOutsideTenancyTables(
      lab.client,
      'public',
      gateConfig.tenancy.tenantTables,
      gateConfig.tenancy.appRole,
    );
    expect(
      found.filter((table) => ['countries', 'profiles', 'internal_notes'].includes(table.table)),
    ).toEqual([
      { table: 'countries', privileges: ['SELECT'], rlsEnabled: false, rlsForced: false, policies: 0 },
      {
        table: 'profiles',
        privileges: ['SELECT', 'UPDATE'],
        rlsEnabled: true,
        rlsForced: false,
        policies: 1,
      },
    ]);
    expect(found.map((table) => table.table)).not.toContain('projects');
  });
});
