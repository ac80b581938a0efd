import { describe, expect, test } from 'vitest';
import { describeForeignKey, discoverForeignKeys } from '../../helpers/catalog/foreign-keys.ts';
import { catalogDatabase } from './catalog-database.ts';

describe('discoverForeignKeys', () => {
  test('lists every key of the reference schema with paired columns, actions and validation', async () => {
    await using lab = await catalogDatabase({ migrated: true });
    const keys = await discoverForeignKeys(lab.client, 'public');
    expect(keys).toHaveLength(32);
    const documents = keys.find((fk) => fk.constraint === 'documents_project_id_fkey');
    expect(documents).toMatchObject({
      table: 'documents',
      columns: ['tenant_id', 'project_id'],
      referencedTable: 'projects',
      referencedColumns: ['tenant_id', 'id'],
      onDelete: 'CASCADE',
      onUpdate: 'NO ACTION',
      validated: true,
      matchFull: false,
    });
    const analyses = keys.find((fk) => fk.constraint === 'analyses_document_id_fkey');
    expect(analyses?.onDelete).toBe('SET NULL');
    // PG15's column list: only the optional reference is nulled, never the tenant.
    expect(analyses?.deleteSetColumns).toEqual(['document_id']);
    expect(keys.find((fk) => fk.constraint === 'bom_items_wbs_item_id_fkey')?.onDelete).toBe('RESTRICT');
    if (analyses === undefined) return;
    expect(describeForeignKey(analyses)).toBe(
      'analyses_document_id_fkey: analyses(tenant_id, document_id) → documents(tenant_id, id) ON DELETE SET NULL (document_id) ON UPDATE NO ACTION, validated',
    );
  });

  test('reports a key added NOT VALID, MATCH FULL and a plain SET NULL over all its columns', async () => {
    await using lab = await catalogDatabase({
      sql: `CREATE TABLE parent (a int, b int, UNIQUE (a, b));
            CREATE TABLE child (x int, y int);
            ALTER TABLE child ADD CONSTRAINT child_xy_fkey FOREIGN KEY (x, y) REFERENCES parent (a, b)
              MATCH FULL ON DELETE SET NULL NOT VALID;`,
    });
    const [fk] = await discoverForeignKeys(lab.client, 'public');
    expect(fk).toMatchObject({
      validated: false,
      matchFull: true,
      onDelete: 'SET NULL',
      deleteSetColumns: ['x', 'y'],
    });
  });
});
