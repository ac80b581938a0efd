import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../helpers/db/database-connection.ts';
import { functionsCalledIn } from '../../helpers/perf/explain-plan.ts';
import { measureQuery, overheadRatio } from '../../helpers/perf/measure-query.ts';
import { createScratchDatabase } from '../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');

describe('plan reading', () => {
  test('finds Seq Scans, index use, InitPlans and functions called per row in a Filter', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      await client.query(`
        CREATE TABLE items (id int PRIMARY KEY, owner int NOT NULL, label text NOT NULL);
        INSERT INTO items SELECT g, g % 100, 'item ' || g FROM generate_series(1, 20000) g;
        CREATE INDEX items_owner ON items (owner);
        ANALYZE items;
        CREATE FUNCTION current_owner() RETURNS int LANGUAGE plpgsql VOLATILE AS $$ BEGIN RETURN 7; END $$;`);

      const perRow = await measureQuery(client, 'SELECT * FROM items WHERE owner = current_owner()', [], 3);
      expect(perRow.timingsMs).toHaveLength(3);
      expect(perRow.plan.seqScans).toEqual([{ schema: 'public', table: 'items', rows: 200 }]);
      expect(perRow.plan.hasInitPlan).toBe(false);
      expect(perRow.plan.filterFunctions).toContain('current_owner');

      const once = await measureQuery(
        client,
        'SELECT * FROM items WHERE owner = (SELECT current_owner())',
        [],
        3,
      );
      expect(once.plan.hasInitPlan).toBe(true);
      expect(once.plan.seqScans).toEqual([]);
      expect(once.plan.shape.join(' > ')).toContain('items_owner');
      expect(once.plan.rows).toBe(200);

      const byParam = await measureQuery(client, 'SELECT * FROM items WHERE owner = $1', [7], 1);
      expect(byParam.plan.rows).toBe(200);
      expect(byParam.plan.sharedHitBlocks + byParam.plan.sharedReadBlocks).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  test('function names in a printed Filter, without ANY / ARRAY', () => {
    expect(
      functionsCalledIn(
        "((tenant_id = (NULLIF(current_setting('app.current_tenant'::text, true), ''::text))::uuid) AND (kind = ANY (ARRAY['a'::text])))",
      ),
    ).toEqual(['NULLIF', 'current_setting']);
  });

  test('the RLS overhead ratio floors sub-millisecond medians', () => {
    expect(overheadRatio(0.08, 0.02, 1)).toBe(1);
    expect(overheadRatio(40, 2, 1)).toBe(20);
    expect(overheadRatio(3, 0.1, 1)).toBe(3);
  });
});
