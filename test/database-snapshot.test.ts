import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../helpers/database-connection.ts';
import { compareSnapshots, takeSnapshot } from '../helpers/database-snapshot.ts';
import { createScratchDatabase } from './support/scratch-database.ts';

const adminUrl = inject('adminUrl');
const template = inject('templateDatabase');

describe('database fingerprint', () => {
  test.each([
    [
      'a changed row',
      `UPDATE tenants SET name = name || '!' WHERE id = (SELECT id FROM tenants ORDER BY id LIMIT 1)`,
      'rows',
    ],
    ['a disabled trigger', 'ALTER TABLE projects DISABLE TRIGGER USER', 'schema'],
    ['a revoked privilege', 'REVOKE ALL ON projects FROM c2pro_app', 'schema'],
    [
      'a replaced function',
      `CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
      'schema',
    ],
    ['a new view', 'CREATE VIEW project_names AS SELECT name FROM projects', 'schema'],
    ['a dropped policy', 'DROP POLICY projects_tenant_isolation ON projects', 'schema'],
  ])('notices %s', async (_what, sql, kind) => {
    await using db = await createScratchDatabase(adminUrl, { template });
    const client = await connectClient(db.url);
    try {
      const before = await takeSnapshot(client);
      expect(compareSnapshots(before, await takeSnapshot(client))).toEqual({
        tables: [],
        schemaChanged: false,
      });
      await client.query(sql);
      const difference = compareSnapshots(before, await takeSnapshot(client));
      if (kind === 'rows') expect(difference.tables.map((t) => t.table)).toEqual(['public.tenants']);
      else expect(difference.schemaChanged).toBe(true);
    } finally {
      await client.end();
    }
  });
});
