import { describe, expect, inject, test } from 'vitest';
import gateConfig from '../../gate.config.ts';
import { configProblems } from '../../helpers/config/config-against-catalog.ts';
import { connectClient } from '../../helpers/db/database-connection.ts';
import type { GateConfig } from '../../helpers/config/gate-config.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

/** The problems `config` has against a clone of the migrated reference schema, after `sql` ran on it. */
async function problemsOf(config: GateConfig, sql = ''): Promise<string[]> {
  await using db = await createScratchDatabase(inject('adminUrl'), {
    template: inject('templateDatabase'),
    prefix: 'mg_config',
  });
  const client = await connectClient(db.url);
  try {
    if (sql !== '') await client.query(sql);
    return (await configProblems(client, config)).map((problem) => problem.sentence);
  } finally {
    await client.end();
  }
}

const withTenancy = (tenancy: Partial<GateConfig['tenancy']>): GateConfig => ({
  ...gateConfig,
  tenancy: { ...gateConfig.tenancy, ...tenancy },
});

/** Drops every policy of the reference schema, so a test's own policies are the only ones. */
const DROP_EVERY_POLICY = `DO $$
  DECLARE p record;
  BEGIN
    FOR p IN SELECT schemaname, tablename, policyname FROM pg_policies WHERE schemaname = 'public' LOOP
      EXECUTE format('DROP POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename);
    END LOOP;
  END $$;`;

describe('the config compared with the catalog it gates', () => {
  test('the reference config fits the reference schema', async () => {
    expect(await problemsOf(gateConfig)).toEqual([]);
  });

  test('a mistyped tenant table, a view and a missing audited table: one sentence each, with a suggestion', async () => {
    const config: GateConfig = {
      ...withTenancy({ tenantTables: [...gateConfig.tenancy.tenantTables, 'documnts', 'project_names'] }),
      integrity: { ...gateConfig.integrity, auditedTables: ['projects', 'invoices'] },
    };
    const problems = await problemsOf(config, 'CREATE VIEW project_names AS SELECT id, name FROM projects');
    expect(problems).toEqual([
      'tenancy.tenantTables names "documnts", which is not a table in schema "public" (did you mean "documents"?).',
      'tenancy.tenantTables names "project_names", which is a view, not a table, in schema "public".',
      'integrity.auditedTables names "invoices", which is not a table in schema "public".',
    ]);
  });

  test('a listed table without the tenant key is named, with the column it has instead', async () => {
    const problems = await problemsOf(
      gateConfig,
      'ALTER TABLE ai_usage_logs RENAME COLUMN tenant_id TO tenant_idx',
    );
    expect(problems).toEqual([
      'tenancy.tenantTables lists "ai_usage_logs", which has no column "tenant_id" (tenancy.tenantKey) (did you mean "tenant_idx"?).',
    ]);
  });

  test('a missing application role and a setting no policy reads', async () => {
    const problems = await problemsOf(
      withTenancy({ appRole: 'c2pro_ap', tenantSetting: 'app.current_tenant_id' }),
    );
    expect(problems).toEqual([
      'tenancy.appRole is "c2pro_ap", but no such role exists on the server (did you mean "c2pro_app"?).',
      'tenancy.tenantSetting is "app.current_tenant_id", but no policy of schema "public" reads it; they read "app.current_tenant".',
    ]);
  });

  test('clean negative: policies that read the setting through a function of their own fit', async () => {
    // Every policy rewritten to call app_tenant(), which reads a setting the policies no longer name.
    const sql = `
      CREATE FUNCTION app_tenant() RETURNS uuid LANGUAGE sql STABLE
        AS $$ SELECT nullif(current_setting('app.tenant', true), '')::uuid $$;
      ${DROP_EVERY_POLICY}
      CREATE POLICY own ON projects USING (tenant_id = app_tenant());`;
    expect(await problemsOf(withTenancy({ tenantSetting: 'app.tenant' }), sql)).toEqual([]);
    // The setting name is compared as PostgreSQL does: without regard to case.
    expect(await problemsOf(withTenancy({ tenantSetting: 'App.Tenant' }), sql)).toEqual([]);
  });

  test('policies that read the setting as a JSON claim, with no tenantContext: one sentence naming the statement to add', async () => {
    const sql = `
      ${DROP_EVERY_POLICY}
      CREATE POLICY own ON projects
        USING (tenant_id::text = (current_setting('request.jwt.claims', true)::jsonb ->> 'org_id'));`;
    const claims = withTenancy({ tenantSetting: 'request.jwt.claims' });
    expect(await problemsOf(claims, sql)).toEqual([
      `the policies read tenancy.tenantSetting "request.jwt.claims" as JSON (->> 'org_id'), so setting it to a bare tenant id makes them fail (22P02); add tenancy.tenantContext: { sql: "SELECT set_config('request.jwt.claims', json_build_object('org_id', $1::text)::text, true)" } (what init writes).`,
    ]);
    // Clean negative: with that statement the config fits.
    const withContext = withTenancy({
      tenantSetting: 'request.jwt.claims',
      tenantContext: {
        sql: "SELECT set_config('request.jwt.claims', json_build_object('org_id', $1::text)::text, true)",
      },
    });
    expect(await problemsOf(withContext, sql)).toEqual([]);
  });

  test('clean negative: with the application’s own tenant statement the setting is not judged', async () => {
    const config = withTenancy({
      tenantSetting: 'request.jwt.claims',
      tenantContext: { sql: "SELECT set_config('app.current_tenant', $1, true)" },
    });
    expect(await problemsOf(config)).toEqual([]);
  });
});
