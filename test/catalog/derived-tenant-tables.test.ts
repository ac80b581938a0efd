import { describe, expect, test } from 'vitest';
import {
  MAX_DERIVATION_DEPTH,
  discoverDerivedTenantTables,
  tenantOfRowSql,
} from '../../helpers/catalog/derived-tenant-tables.ts';
import { catalogDatabase } from './catalog-database.ts';

const TENANT_TABLES = [
  { table: 'orgs', tenantColumn: 'id' },
  { table: 'orders', tenantColumn: 'org_id' },
];

describe('tables isolated through a parent', () => {
  test('NOT NULL keys are followed hop by hop (composite keys too); nullable keys, ungranted tables and depth beyond the limit are not', async () => {
    await using lab = await catalogDatabase({
      migrated: false,
      sql: `CREATE ROLE mg_derived_app NOLOGIN;
            CREATE TABLE orgs (id int PRIMARY KEY);
            CREATE TABLE orders (org_id int NOT NULL REFERENCES orgs, id int, PRIMARY KEY (org_id, id));
            CREATE TABLE lines (id int PRIMARY KEY, o_org int NOT NULL, o_id int NOT NULL,
                                FOREIGN KEY (o_org, o_id) REFERENCES orders (org_id, id));
            CREATE TABLE line_notes (id int PRIMARY KEY, line_id int NOT NULL REFERENCES lines);
            CREATE TABLE note_marks (id int PRIMARY KEY, note_id int NOT NULL REFERENCES line_notes);
            CREATE TABLE mark_votes (id int PRIMARY KEY, mark_id int NOT NULL REFERENCES note_marks);
            CREATE TABLE maybe_lines (id int PRIMARY KEY, line_id int REFERENCES lines);
            CREATE TABLE hidden_lines (id int PRIMARY KEY, line_id int NOT NULL REFERENCES lines);
            GRANT SELECT ON lines, line_notes, note_marks, mark_votes, maybe_lines TO mg_derived_app;`,
    });
    try {
      const found = await discoverDerivedTenantTables(lab.client, 'public', TENANT_TABLES, 'mg_derived_app');
      expect(found.map((d) => [d.table, d.path.length, d.tenantTable, d.tenantColumn])).toEqual([
        ['lines', 1, 'orders', 'org_id'],
        ['line_notes', 2, 'orders', 'org_id'],
        ['note_marks', 3, 'orders', 'org_id'],
      ]);
      expect(MAX_DERIVATION_DEPTH).toBe(3);
      await lab.client.query(`INSERT INTO orgs VALUES (1), (2);
        INSERT INTO orders VALUES (1, 10), (2, 10);
        INSERT INTO lines VALUES (100, 1, 10), (200, 2, 10);
        INSERT INTO line_notes VALUES (1000, 100), (2000, 200);
        INSERT INTO note_marks VALUES (1, 1000), (2, 2000), (3, 2000)`);
      const marks = found.find((d) => d.table === 'note_marks');
      if (marks === undefined) throw new Error('note_marks not found');
      const tenants = await lab.client.query<{ id: number; tenant: number }>(
        `SELECT t.id, ${tenantOfRowSql('public', marks, 't')} AS tenant FROM note_marks t ORDER BY t.id`,
      );
      expect(tenants.rows).toEqual([
        { id: 1, tenant: 1 },
        { id: 2, tenant: 2 },
        { id: 3, tenant: 2 },
      ]);
    } finally {
      await lab.client.query('DROP OWNED BY mg_derived_app; DROP ROLE mg_derived_app');
    }
  });
});
