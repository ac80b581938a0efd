import { expect, inject, test } from 'vitest';
import { runInit } from '../../helpers/init/run-init.ts';
import { createInitProject } from './init-project.ts';
import { UUID_WITH_TENANTS } from './init-schemas.ts';

const adminUrl = inject('adminUrl');

test('without --database-url init migrates an embedded PostgreSQL of its own, reads it and stops it', async () => {
  await using project = await createInitProject(adminUrl, 'migrations', UUID_WITH_TENANTS);
  const lines: string[] = [];
  const result = await runInit({ root: project.root, log: (line) => lines.push(line) });
  expect(lines).toContain('starting an embedded PostgreSQL to migrate');
  expect(lines.some((line) => line.includes('002_projects'))).toBe(true);
  expect(result.todos).toEqual([]);
  const config = await project.readFile('gate.config.ts');
  expect(config).toContain("tenantKey: 'tenant_id',");
  expect(config).toContain("tenantTable: 'tenants',");
  expect(config).toContain(`appRole: '${project.role}',`);
  expect(config).toContain("tenantTables: ['tenants', 'projects'],");
});
