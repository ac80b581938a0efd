import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../helpers/db/database-connection.ts';
import { compareSnapshots, takeSnapshot } from '../helpers/run/database-snapshot.ts';
import { createScratchDatabase } from '../helpers/db/scratch-database.ts';

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

  test('with excludeColumns, a table hashes as it will once those columns are dropped, by either hash path', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      // plain: every column hashable by type; texty: a json column sends it down the text path.
      await client.query(`CREATE TABLE plain (id int, label text);
        CREATE TABLE texty (id int, doc json);
        INSERT INTO plain SELECT g, 'row ' || g FROM generate_series(1, 50) g;
        INSERT INTO texty SELECT g, '{"a": 1}' FROM generate_series(1, 50) g;
        ALTER TABLE plain ADD COLUMN added jsonb DEFAULT '{"x": 1}';
        ALTER TABLE texty ADD COLUMN added int DEFAULT 7;`);
      const excluded = await takeSnapshot(client, 'public', {
        excludeColumns: ['plain.added', 'texty.added'],
      });
      const full = await takeSnapshot(client);
      await client.query('ALTER TABLE plain DROP COLUMN added; ALTER TABLE texty DROP COLUMN added;');
      const dropped = await takeSnapshot(client);
      const checksums = (snapshot: typeof full) =>
        snapshot.tables
          .filter((t) => ['public.plain', 'public.texty'].includes(t.table))
          .map((t) => t.checksum);
      expect(checksums(excluded)).toEqual(checksums(dropped));
      expect(checksums(full)).not.toEqual(checksums(dropped));
    } finally {
      await client.end();
    }
  });

  test('is independent of row order, and a changed or duplicated row changes it', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      await client.query(`CREATE TABLE forward (id int, label text, at timestamptz);
        CREATE TABLE backward (id int, label text, at timestamptz);
        INSERT INTO forward SELECT g, 'row ' || g, '2026-01-01'::timestamptz + g * interval '1 hour'
          FROM generate_series(1, 5000) g ORDER BY g;
        INSERT INTO backward SELECT g, 'row ' || g, '2026-01-01'::timestamptz + g * interval '1 hour'
          FROM generate_series(1, 5000) g ORDER BY g DESC;`);
      const checksumOf = async (table: string): Promise<string | undefined> =>
        (await takeSnapshot(client)).tables.find((t) => t.table === `public.${table}`)?.checksum;
      const forward = await checksumOf('forward');
      expect(forward).toMatch(/^-?\d+:-?\d+$/);
      expect(await checksumOf('backward')).toBe(forward);

      await client.query(`UPDATE backward SET label = 'row 4242!' WHERE id = 4242`);
      const changed = await checksumOf('backward');
      expect(changed).not.toBe(forward);
      await client.query(`UPDATE backward SET label = 'row 4242' WHERE id = 4242`);
      expect(await checksumOf('backward')).toBe(forward);

      // Two equal rows cancel out of an XOR; the sums still tell {x, x} from {y, y}.
      await client.query(`CREATE TABLE pair_x (v text); CREATE TABLE pair_y (v text);
        INSERT INTO pair_x VALUES ('x'), ('x'); INSERT INTO pair_y VALUES ('y'), ('y');`);
      expect(await checksumOf('pair_x')).not.toBe(await checksumOf('pair_y'));
    } finally {
      await client.end();
    }
  });

  test.each([
    // hash_record_extended: every column type has an extended hash.
    [
      'a table of hashable types',
      'id int, note text, at timestamptz, tags text[]',
      `(1, 'a', now(), '{x}')`,
      `note = 'b'`,
    ],
    // json and point have no hash function: the row's text form is hashed.
    [
      'a table with json and point columns',
      'id int, doc json, spot point',
      `(1, '{"a": 1}', '(1,2)')`,
      `doc = '{"a": 2}'`,
    ],
    // A case-insensitive collation hashes 'A' like 'a': the text form tells them apart.
    [
      'a column with a nondeterministic collation',
      'id int, name text COLLATE mg_ci',
      `(1, 'A')`,
      `name = 'a'`,
    ],
    // A column named t is not the row: the whole row is hashed.
    ['a column named t', 't text, other text', `('same', 'a')`, `other = 'b'`],
  ])('notices a changed value in %s', async (_what, columns, row, change) => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      await client.query(
        `CREATE COLLATION mg_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`,
      );
      await client.query(`CREATE TABLE probe (${columns}); INSERT INTO probe VALUES ${row}`);
      const before = await takeSnapshot(client);
      expect(compareSnapshots(before, await takeSnapshot(client)).tables).toEqual([]);
      await client.query(`UPDATE probe SET ${change}`);
      const difference = compareSnapshots(before, await takeSnapshot(client));
      expect(difference.tables.map((t) => t.table)).toEqual(['public.probe']);
    } finally {
      await client.end();
    }
  });

  test('without checksums counts rows only, and compares by count', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      await client.query(
        `CREATE TABLE counted AS SELECT g AS id, 'row ' || g AS label FROM generate_series(1, 300) g`,
      );
      const full = await takeSnapshot(client);
      const counts = await takeSnapshot(client, 'public', { checksums: false });
      expect(counts.tables).toEqual([{ table: 'public.counted', rows: 300, checksum: '' }]);
      expect(counts.schemaChecksum).toBe(full.schemaChecksum);
      expect(compareSnapshots(full, counts, { checksums: false })).toEqual({
        tables: [],
        schemaChanged: false,
      });
      await client.query(`UPDATE counted SET label = 'changed' WHERE id = 1`);
      // A changed row keeps the count: only a checksum sees it.
      const after = await takeSnapshot(client, 'public', { checksums: false });
      expect(compareSnapshots(counts, after, { checksums: false }).tables).toEqual([]);
      await client.query('DELETE FROM counted WHERE id = 2');
      const fewer = await takeSnapshot(client, 'public', { checksums: false });
      expect(compareSnapshots(full, fewer, { checksums: false }).tables.map((t) => t.after?.rows)).toEqual([
        299,
      ]);
    } finally {
      await client.end();
    }
  });

  test('reports the rows per second of large tables', async () => {
    await using db = await createScratchDatabase(adminUrl);
    const client = await connectClient(db.url);
    try {
      await client.query(`CREATE TABLE big AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 20000) g;
        CREATE TABLE small (id int); ANALYZE big; ANALYZE small;`);
      const seen: { table: string; rows: number; rowsPerSecond: number }[] = [];
      await takeSnapshot(client, 'public', { largeTableRows: 10_000, onLargeTable: (p) => seen.push(p) });
      expect(seen.map((p) => [p.table, p.rows])).toEqual([['public.big', 20000]]);
      // The tables after it, by their reltuples estimate: what an ETA for the rest of the pass needs.
      expect(seen[0]).toMatchObject({ estimatedRows: 20000, remainingTables: 1, remainingEstimatedRows: 0 });
      expect(seen[0]?.rowsPerSecond).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});
