import { describe, expect, test } from 'vitest';
import type pg from 'pg';
import { discoverForeignKeys, type ForeignKey } from '../../helpers/catalog/foreign-keys.ts';
import {
  outcomeMatches,
  probeDeleteBehaviour,
  type DeleteProbe,
} from '../../helpers/probes/fk/fk-delete-behaviour.ts';
import { catalogDatabase } from './catalog-database.ts';

const SCHEMA = `
  CREATE TABLE parent (id int PRIMARY KEY);
  CREATE TABLE cascade_child (id int PRIMARY KEY, parent_id int REFERENCES parent ON DELETE CASCADE);
  CREATE TABLE null_child (id int PRIMARY KEY, parent_id int REFERENCES parent ON DELETE SET NULL);
  CREATE TABLE restrict_child (id int PRIMARY KEY, parent_id int REFERENCES parent ON DELETE RESTRICT);
  CREATE TABLE kept_child (id int PRIMARY KEY, parent_id int REFERENCES parent ON DELETE CASCADE);
  CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
  CREATE TRIGGER kept_child_keep BEFORE DELETE ON kept_child FOR EACH ROW EXECUTE FUNCTION keep();
  INSERT INTO parent VALUES (1), (2);
  -- Parent 1 is held by a RESTRICT child too; probing the cascade must clear that blocker first.
  INSERT INTO cascade_child VALUES (10, 1);
  INSERT INTO null_child VALUES (20, 2);
  INSERT INTO restrict_child VALUES (30, 1);
  INSERT INTO kept_child VALUES (40, 2);`;

async function probe(
  client: pg.ClientBase,
  keys: readonly ForeignKey[],
  table: string,
): Promise<DeleteProbe | null> {
  const fk = keys.find((key) => key.table === table);
  if (fk === undefined) throw new Error(`no foreign key on ${table}`);
  await client.query('BEGIN');
  try {
    return await probeDeleteBehaviour(client, fk, keys, ['id']);
  } finally {
    await client.query('ROLLBACK');
  }
}

describe('probeDeleteBehaviour', () => {
  test('observes cascade, set null, restrict, and a cascade a trigger silently skipped', async () => {
    await using lab = await catalogDatabase({ sql: SCHEMA });
    const keys = await discoverForeignKeys(lab.client, 'public');
    const cascade = await probe(lab.client, keys, 'cascade_child');
    expect(cascade?.outcome).toEqual({ kind: 'deleted' });
    expect(cascade?.clearedBlockers).toEqual(['restrict_child_parent_id_fkey']);
    expect((await probe(lab.client, keys, 'null_child'))?.outcome).toEqual({ kind: 'set-null' });
    expect((await probe(lab.client, keys, 'restrict_child'))?.outcome).toEqual({
      kind: 'refused',
      code: '23503',
    });
    const kept = await probe(lab.client, keys, 'kept_child');
    expect(kept?.outcome).toEqual({ kind: 'unchanged' });
    expect(outcomeMatches('CASCADE', kept?.outcome ?? { kind: 'deleted' })).toBe(false);
    // Everything was rolled back.
    const rows = await lab.client.query<{ n: number }>('SELECT count(*)::int AS n FROM parent');
    expect(rows.rows[0]?.n).toBe(2);
  });

  test('a blocker that cannot be cleared for another reason than a foreign key is an error, not a held row', async () => {
    await using lab = await catalogDatabase({
      sql: `CREATE TABLE parent (id int PRIMARY KEY);
            CREATE TABLE cascade_child (id int PRIMARY KEY, parent_id int REFERENCES parent ON DELETE CASCADE);
            CREATE TABLE guarded_child (id int PRIMARY KEY, parent_id int REFERENCES parent ON DELETE RESTRICT);
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'guarded rows stay' USING ERRCODE = 'P0001'; END $$;
            CREATE TRIGGER guarded_child_refuse BEFORE DELETE ON guarded_child FOR EACH ROW EXECUTE FUNCTION refuse();
            INSERT INTO parent VALUES (1);
            INSERT INTO cascade_child VALUES (10, 1);
            INSERT INTO guarded_child VALUES (30, 1);`,
    });
    const keys = await discoverForeignKeys(lab.client, 'public');
    const cascade = await probe(lab.client, keys, 'cascade_child');
    expect(cascade?.outcome).toEqual({ kind: 'error', code: 'P0001', message: 'guarded rows stay' });
  });

  test('returns null when no child has a parent to delete', async () => {
    await using lab = await catalogDatabase({
      sql: `CREATE TABLE parent (id int PRIMARY KEY);
            CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent);`,
    });
    const keys = await discoverForeignKeys(lab.client, 'public');
    expect(await probe(lab.client, keys, 'child')).toBeNull();
  });
});
