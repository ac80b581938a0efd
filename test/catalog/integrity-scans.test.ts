import { describe, expect, test } from 'vitest';
import {
  scanFutureTimestamps,
  scanLinkage,
  scanNullColumn,
  scanTimestampOrder,
} from '../../helpers/scans/integrity-scans.ts';
import { catalogDatabase } from './catalog-database.ts';

const SCHEMA = `
  CREATE TABLE parent (id int PRIMARY KEY, tenant int NOT NULL);
  CREATE TABLE child (id int PRIMARY KEY, tenant int, parent_id int,
                      created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
  INSERT INTO parent VALUES (1, 100), (2, 200);
  INSERT INTO child VALUES
    (10, 100, 1,    now(),                       now()),                        -- fine
    (11, 100, 2,    now() + interval '30 seconds', now() + interval '30 seconds'), -- within the skew; other tenant's parent
    (12, 200, 1,    now() - interval '1 hour',   now() + interval '2 minutes'),  -- future; other tenant's parent
    (13, NULL, 9,   now() - interval '1 hour',   now() - interval '2 hours'),    -- no tenant; no parent; out of order
    (14, 100, NULL, now(),                       now());                        -- optional reference unset`;

describe('integrity scans', () => {
  test('future timestamps honour the clock-skew tolerance', async () => {
    await using lab = await catalogDatabase({ sql: SCHEMA });
    const scan = await scanFutureTimestamps(
      lab.client,
      'public',
      'child',
      ['created_at', 'updated_at'],
      ['id'],
      60,
    );
    expect(scan.count).toBe(1);
    expect(scan.samples[0]).toMatchObject({ id: 12 });
  });

  test('NULL tenant keys, timestamp order and linkage (missing or cross-tenant) are counted with samples', async () => {
    await using lab = await catalogDatabase({ sql: SCHEMA });
    expect(await scanNullColumn(lab.client, 'public', 'child', 'tenant', ['id'])).toEqual({
      scanned: 5,
      count: 1,
      samples: [{ id: 13 }],
    });
    expect(
      (await scanTimestampOrder(lab.client, 'public', 'child', 'created_at', 'updated_at', ['id'])).count,
    ).toBe(1);
    const link = { table: 'child', column: 'parent_id', referencedTable: 'parent', referencedColumn: 'id' };
    const optional = await scanLinkage(
      lab.client,
      'public',
      { ...link, required: false, tenantColumn: 'tenant' },
      ['id'],
    );
    expect(optional.samples.map((row) => row['id']).sort()).toEqual([11, 12, 13]);
    // The counts come from a one-pass join, the samples from a NOT EXISTS: both name the same rows.
    expect({ scanned: optional.scanned, count: optional.count }).toEqual({ scanned: 5, count: 3 });
    const required = await scanLinkage(lab.client, 'public', { ...link, required: true }, ['id']);
    expect(required.samples.map((row) => row['id']).sort()).toEqual([13, 14]);
    expect({ scanned: required.scanned, count: required.count }).toEqual({ scanned: 5, count: 2 });
  });

  test('a linkage to a column that is not unique counts each row once', async () => {
    await using lab = await catalogDatabase({ sql: `${SCHEMA};\n  INSERT INTO parent VALUES (3, 100);` });
    // child.tenant → parent.tenant: 100 is named by two parents; only the NULL tenant of row 13 breaks it.
    const scan = await scanLinkage(
      lab.client,
      'public',
      {
        table: 'child',
        column: 'tenant',
        referencedTable: 'parent',
        referencedColumn: 'tenant',
        required: true,
      },
      ['id'],
    );
    expect({ scanned: scan.scanned, count: scan.count }).toEqual({ scanned: 5, count: 1 });
    expect(scan.samples).toEqual([{ id: 13, tenant: null }]);
  });

  test('a scan of an empty table says it read 0 rows, so a check can tell "nothing seen" from "nothing wrong"', async () => {
    await using lab = await catalogDatabase({ sql: SCHEMA });
    await lab.client.query('DELETE FROM child');
    expect(await scanNullColumn(lab.client, 'public', 'child', 'tenant', ['id'])).toEqual({
      scanned: 0,
      count: 0,
      samples: [],
    });
  });
});
