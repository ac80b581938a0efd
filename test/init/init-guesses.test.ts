import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, inject, test } from 'vitest';
import { parse } from 'yaml';
import { GateError } from '../../helpers/gate-error.ts';
import { runInit } from '../../helpers/init/run-init.ts';
import { Migrator } from '../../helpers/migrations/migrator.ts';
import { createInitProject } from './init-project.ts';
import {
  APP_SCHEMA_BIGINT,
  NOTHING_TO_GUESS,
  SETTING_THROUGH_FUNCTION,
  TEXT_KEY_JSON_CLAIM,
  UUID_WITH_TENANTS,
} from './init-schemas.ts';

const adminUrl = inject('adminUrl');

describe('migration-gate init', () => {
  test('a database behind the migrations: a TODO says the guesses miss what the pending ones create', async () => {
    await using project = await createInitProject(adminUrl, 'db/migrations', UUID_WITH_TENANTS);
    await new Migrator({
      databaseUrl: project.database.url,
      directory: `${project.root}/db/migrations`,
    }).rollback({
      to: '001',
    });
    const result = await runInit({ root: project.root, databaseUrl: project.database.url });
    expect(result.todos[0]).toMatch(
      /is at version 001, before the last migration 002_\w+, so tables and keys/,
    );
    expect(result.todos[0]).not.toContain(new URL(project.database.url).password);
  });

  test('uuid key with a tenants table: every guess written with where it came from', async () => {
    await using project = await createInitProject(adminUrl, 'db/migrations', UUID_WITH_TENANTS);
    const lines: string[] = [];
    const result = await runInit({
      root: project.root,
      databaseUrl: project.database.url,
      log: (l) => lines.push(l),
    });
    expect(result.todos).toEqual([]);
    const config = await project.readFile('gate.config.ts');
    expect(config).toContain("directory: 'db/migrations',");
    expect(config).toContain('// 2 numbered migration(s) found in db/migrations');
    expect(config).toContain("expectedVersion: '002',");
    expect(config).toMatch(
      /\/\/ the tenant-like column .* 1 of 2; its type is uuid\n\s+tenantKey: 'tenant_id',/,
    );
    expect(config).toMatch(
      /\/\/ 1 foreign key\(s\) on tenant_id reference the primary key of tenants\n\s+tenantTable: 'tenants',/,
    );
    expect(config).toMatch(
      /\/\/ current_setting\('app.tenant_id'\) in 3 policy expression\(s\)\n\s+tenantSetting: 'app.tenant_id',/,
    );
    expect(config).toContain(`appRole: '${project.role}',`);
    expect(config).toContain("tenantTables: ['tenants', 'projects'],");
    expect(config).toContain('// forceRlsTables left out: every tenant table has FORCE');
    expect(config).not.toContain('forceRlsTables:');
    expect(config).not.toContain('tenantContext');
    expect(config).toMatch(/\/\/ the 1 foreign key\(s\) the migrated schema has now\n\s+minimumCount: 1,/);
    expect(config).toMatch(
      /\/\/ the tenant tables init_app_\w+ holds INSERT on: .*\n\s+insertProbeTables: \['projects'\],/,
    );
    expect(lines).toContain('wrote gate.config.ts');
    expect(await project.readFile('vitest.config.ts')).toContain(
      "import { defineGateVitestConfig } from 'migration-gate/vitest';",
    );
    expect(await project.readFile('.env.staging.example')).toMatch(/^DATABASE_URL=postgresql:\/\//m);
  });

  test('tables in a schema of their own: init reads the schema with row-level security, not public', async () => {
    await using project = await createInitProject(adminUrl, 'migrations', APP_SCHEMA_BIGINT);
    const lines: string[] = [];
    const result = await runInit({
      root: project.root,
      databaseUrl: project.database.url,
      log: (l) => lines.push(l),
    });
    expect(result.todos).toEqual([]);
    const config = await project.readFile('gate.config.ts');
    expect(config).toContain("schema: 'app',");
    expect(config).toContain("tenantKey: 'account_id',");
    expect(config).toContain("tenantTable: 'accounts',");
    expect(config).toContain("tenantTables: ['accounts', 'notes'],");
    expect(lines.join('\n')).toMatch(/schema: app \(2 of its 2 tables have row-level security/);
  });

  test('policies that read the tenant through a helper function: the setting its body reads', async () => {
    await using project = await createInitProject(adminUrl, 'migrations', SETTING_THROUGH_FUNCTION);
    const result = await runInit({ root: project.root, databaseUrl: project.database.url });
    expect(result.todos).toEqual([]);
    expect(await project.readFile('gate.config.ts')).toMatch(
      /\/\/ current_setting\('app\.tenant'\) in app_current_tenant\(\), called by 2 policy expression\(s\)\n\s+tenantSetting: 'app\.tenant',/,
    );
  });

  test('text key without a tenants table, a JSON claim setting and a partial FORCE list', async () => {
    await using project = await createInitProject(adminUrl, 'migrations', TEXT_KEY_JSON_CLAIM);
    const result = await runInit({ root: project.root, databaseUrl: project.database.url });
    expect(result.todos).toEqual([]);
    const config = await project.readFile('gate.config.ts');
    expect(config).toContain('1 dbmate migration(s) found in migrations');
    expect(config).toContain("expectedVersion: '20240101000000',");
    expect(config).toMatch(/its type is text\n\s+tenantKey: 'org_id',/);
    expect(config).toContain('// tenantTable left out: no foreign key on org_id references');
    expect(config).not.toContain('tenantTable:');
    expect(config).toContain("tenantSetting: 'request.jwt.claims',");
    expect(config).toContain("// the policies read the JSON claim 'org_id' of request.jwt.claims");
    expect(config).toContain(
      "tenantContext: { sql: 'SELECT set_config(\\'request.jwt.claims\\', json_build_object(\\'org_id\\', $1::text)::text, true)' },",
    );
    expect(config).toContain("tenantTables: ['notes', 'tags'],");
    expect(config).toMatch(
      /only these of the 2 tenant tables have FORCE ROW LEVEL SECURITY.*\n\s+forceRlsTables: \['notes'\],/,
    );
  });

  test('nothing to guess: TODOs in the config and printed, and existing files are not overwritten without --force', async () => {
    await using project = await createInitProject(adminUrl, 'sql/migrations', NOTHING_TO_GUESS);
    const lines: string[] = [];
    const result = await runInit({
      root: project.root,
      databaseUrl: project.database.url,
      log: (l) => lines.push(l),
    });
    const config = await project.readFile('gate.config.ts');
    expect(config).toContain('1 flyway migration(s) found in sql/migrations');
    expect(config).toContain("tenantKey: '', // TODO: fill in tenancy.tenantKey");
    expect(config).toContain("tenantSetting: '', // TODO: fill in tenancy.tenantSetting");
    expect(config).toContain("appRole: '', // TODO: fill in tenancy.appRole");
    expect(config).toContain('tenantTables: [], // TODO: fill in tenancy.tenantTables');
    expect(result.todos).toHaveLength(5);
    expect(lines.filter((l) => l.startsWith('TODO: fill in '))).toHaveLength(5);

    await fs.writeFile(`${project.root}/gate.config.ts`, '// the team’s own\n');
    const refused = runInit({ root: project.root, databaseUrl: project.database.url });
    await expect(refused).rejects.toThrow(GateError);
    await expect(refused).rejects.toThrow(
      /^init would overwrite gate\.config\.ts, vitest\.config\.ts, .* pass --force to replace them\.$/,
    );
    expect(await project.readFile('gate.config.ts')).toBe('// the team’s own\n');
    await runInit({ root: project.root, databaseUrl: project.database.url, force: true });
    expect(await project.readFile('gate.config.ts')).toContain('TODO: fill in');
  });

  test('the written workflow is a valid GitHub Actions workflow: npm ci, local gate, artifact, staging behind a secret', async () => {
    await using project = await createInitProject(adminUrl, 'db/migrations', UUID_WITH_TENANTS);
    await runInit({ root: project.root, databaseUrl: project.database.url });
    const text = await project.readFile('.github/workflows/migration-gate.yml');
    expect(validateWorkflow(text).errors).toEqual([]);
    const workflow = parse(text) as {
      on: { pull_request: { paths: string[] } };
      jobs: Record<
        string,
        { env?: Record<string, string>; steps: { run?: string; uses?: string; if?: string }[] }
      >;
    };
    expect(workflow.on.pull_request.paths).toContain('db/migrations/**');
    const local = workflow.jobs['local'];
    expect(local?.steps.map((s) => s.run)).toEqual(
      expect.arrayContaining(['npm ci', 'npx vitest run --project local']),
    );
    expect(local?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact') === true)?.if).toBe(
      'always()',
    );
    const staging = workflow.jobs['staging'];
    expect(staging?.env?.['DATABASE_URL']).toBe('${{ secrets.STAGING_DATABASE_URL }}');
    expect(staging?.steps.find((s) => s.run === 'npx vitest run --project staging')?.if).toBe(
      "env.DATABASE_URL != ''",
    );
  });

  test('without migrations in the usual places: one sentence naming them', async () => {
    await using project = await createInitProject(adminUrl, 'elsewhere', NOTHING_TO_GUESS);
    await expect(runInit({ root: project.root, databaseUrl: project.database.url })).rejects.toThrow(
      /^No migrations found in migrations, db\/migrations, sql\/migrations, prisma\/migrations under .*; pass --migrations <dir>\.$/,
    );
    expect(existsSync(`${project.root}/gate.config.ts`)).toBe(false);
    await runInit({ root: project.root, databaseUrl: project.database.url, migrations: 'elsewhere' });
    expect(await project.readFile('gate.config.ts')).toContain("directory: 'elsewhere',");
  });
});
