import path from 'node:path';
import { expect, inject, test } from 'vitest';
import { loadGateConfigFile } from '../../helpers/config/gate-config-file.ts';
import { runInit } from '../../helpers/init/run-init.ts';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { expectChecksFailed, runGate } from '../support/run-gate.ts';
import { createInitProject } from './init-project.ts';
import { UUID_WITH_TENANTS } from './init-schemas.ts';

const adminUrl = inject('adminUrl');

test('the config init writes for a schema it guesses right gates it with no edit: staging run GO with no failed check, NO-GO once FORCE is off', async () => {
  await using project = await createInitProject(adminUrl, 'db/migrations', UUID_WITH_TENANTS);
  await runInit({ root: project.root, databaseUrl: project.database.url });
  const file = path.join(project.root, 'gate.config.ts');
  const config = await loadGateConfigFile(file);
  expect(config.tenancy).toMatchObject({
    tenantKey: 'tenant_id',
    tenantTable: 'tenants',
    tenantSetting: 'app.tenant_id',
    appRole: project.role,
    tenantTables: ['tenants', 'projects'],
  });
  expect(config.migrations.directory).toBe(path.join(project.root, 'db/migrations'));

  const outcome = await runGate({
    databaseUrl: project.database.url,
    files: [],
    env: { MIGRATION_GATE_CONFIG: file },
  });
  expect(outcome.checks.filter((c) => c.status === 'failed')).toEqual([]);
  expect(outcome.decision, outcome.reasons.join('; ')).toBe('GO');
  expect(outcome.checks.map((check) => check.id)).toEqual(
    expect.arrayContaining([
      'ce22.migrations.version',
      'ce24.fk.count',
      'ce25.integrity.insert-visible.projects',
      'ce27.rollback.cycle-restores',
    ]),
  );
  expect(outcome.checks.length).toBeGreaterThan(10);

  // The written config gates for real: FORCE switched off on a tenant table turns the same run NO-GO.
  const admin = await connectClient(project.database.url);
  try {
    await admin.query('ALTER TABLE projects NO FORCE ROW LEVEL SECURITY');
  } finally {
    await admin.end();
  }
  const sabotaged = await runGate({
    databaseUrl: project.database.url,
    files: [],
    env: { MIGRATION_GATE_CONFIG: file },
  });
  expectChecksFailed(sabotaged, ['ce23.rls.projects.forced']);
});
