import { describe, expect, test } from 'vitest';
import { discoverForeignKeys, type ForeignKey } from '../../helpers/catalog/foreign-keys.ts';
import { scanOrphans } from '../../helpers/scans/fk-orphans.ts';
import { catalogDatabase } from './catalog-database.ts';

const SCHEMA = `
  CREATE TABLE parent (a int, b int, UNIQUE (a, b));
  INSERT INTO parent VALUES (1, 1), (1, 2);
  CREATE TABLE simple_child (x int, y int);
  CREATE TABLE full_child (x int, y int);
  -- (1, 1) has a parent; (2, 1) twice and (1, 3) have none although each column alone matches some
  -- parent row; (NULL, 9) is a partly-NULL key.
  INSERT INTO simple_child VALUES (1, 1), (2, 1), (2, 1), (1, 3), (NULL, 9), (NULL, NULL);
  INSERT INTO full_child SELECT * FROM simple_child;
  ALTER TABLE simple_child ADD CONSTRAINT simple_fkey FOREIGN KEY (x, y) REFERENCES parent (a, b) NOT VALID;
  ALTER TABLE full_child ADD CONSTRAINT full_fkey FOREIGN KEY (x, y) REFERENCES parent (a, b) MATCH FULL NOT VALID;`;

function named(keys: readonly ForeignKey[], name: string): ForeignKey {
  const fk = keys.find((key) => key.constraint === name);
  if (fk === undefined) throw new Error(`no foreign key ${name}`);
  return fk;
}

describe('scanOrphans', () => {
  test('anti-joins on the whole composite key and samples the missing keys, most rows first', async () => {
    await using lab = await catalogDatabase({ sql: SCHEMA });
    const keys = await discoverForeignKeys(lab.client, 'public');
    const scan = await scanOrphans(lab.client, named(keys, 'simple_fkey'));
    expect(scan.orphans).toBe(3);
    expect(scan.samples).toEqual([
      { x: 2, y: 1, rows: 2 },
      { x: 1, y: 3, rows: 1 },
    ]);
  });

  test('MATCH FULL also counts a partly-NULL key, never an all-NULL one', async () => {
    await using lab = await catalogDatabase({ sql: SCHEMA });
    const keys = await discoverForeignKeys(lab.client, 'public');
    expect((await scanOrphans(lab.client, named(keys, 'full_fkey'))).orphans).toBe(4);
  });

  test('finds nothing in the reference schema when every key holds', async () => {
    await using lab = await catalogDatabase({ migrated: true });
    for (const fk of await discoverForeignKeys(lab.client, 'public')) {
      expect((await scanOrphans(lab.client, fk)).orphans).toBe(0);
    }
  });
});
