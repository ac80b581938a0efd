import { describe, expect, test } from 'vitest';
import gateConfig from '../../gate.config.ts';
import { discoverForeignKeys } from '../../helpers/catalog/foreign-keys.ts';
import { scanCrossTenant, tenantScopedForeignKeys } from '../../helpers/probes/fk/fk-tenant-consistency.ts';
import { discoverTenantTables } from '../../helpers/catalog/tenant-tables.ts';
import { catalogDatabase } from './catalog-database.ts';

describe('tenantScopedForeignKeys / scanCrossTenant', () => {
  test('the reference schema enforces the tenant of every key between tenant tables', async () => {
    await using lab = await catalogDatabase({ migrated: true });
    const scoped = tenantScopedForeignKeys(
      await discoverForeignKeys(lab.client, 'public'),
      await discoverTenantTables(lab.client, gateConfig),
    );
    expect(scoped).toHaveLength(32);
    expect(scoped.filter((entry) => entry.enforcement !== 'schema')).toEqual([]);
  });

  test('a plain id key is data-only, and a child in another tenant than its parent is counted', async () => {
    await using lab = await catalogDatabase({
      migrated: true,
      sql: `ALTER TABLE documents DROP CONSTRAINT documents_project_id_fkey;
            ALTER TABLE documents ADD CONSTRAINT documents_project_id_fkey
              FOREIGN KEY (project_id) REFERENCES projects (id);
            INSERT INTO tenants (id, name) VALUES
              ('00000000-0000-4000-8000-00000000000a', 'A'), ('00000000-0000-4000-8000-00000000000b', 'B');
            INSERT INTO projects (id, tenant_id, name)
              VALUES ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000000a', 'P');
            INSERT INTO documents (tenant_id, project_id, title, document_type, storage_path)
              VALUES ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-0000000000a1', 'D', 'x', 'x');`,
    });
    const scoped = tenantScopedForeignKeys(
      await discoverForeignKeys(lab.client, 'public'),
      await discoverTenantTables(lab.client, gateConfig),
    );
    const documents = scoped.find((entry) => entry.fk.constraint === 'documents_project_id_fkey');
    expect(documents?.enforcement).toBe('data-only');
    if (documents === undefined) return;
    const scan = await scanCrossTenant(lab.client, documents);
    expect(scan.mismatches).toBe(1);
    expect(scan.samples[0]).toMatchObject({
      project_id: '00000000-0000-4000-8000-0000000000a1',
      child_tenant: '00000000-0000-4000-8000-00000000000b',
      parent_tenant: '00000000-0000-4000-8000-00000000000a',
    });
  });
});
