import { describe, expect, test } from 'vitest';
import type pg from 'pg';
import { connectPool } from '../helpers/db/database-connection.ts';
import { withRolledBack } from '../helpers/db/rolled-back.ts';
import { catalogDatabase } from './catalog/catalog-database.ts';

/** Makes this client's next ROLLBACK fail as a broken connection's would; other statements run. */
function failNextRollback(client: pg.ClientBase): () => void {
  const original = client.query.bind(client) as (sql: string) => Promise<pg.QueryResult>;
  const patched = (sql: string): Promise<pg.QueryResult> =>
    sql === 'ROLLBACK' ? Promise.reject(new Error('connection lost during ROLLBACK')) : original(sql);
  Object.assign(client, { query: patched });
  return () => Reflect.deleteProperty(client, 'query');
}

const pid = async (client: pg.ClientBase | pg.Pool): Promise<number> =>
  (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? -1;

describe('withRolledBack', () => {
  test('undoes the work, returns its value, and hands the pool back a clean connection', async () => {
    await using lab = await catalogDatabase({ sql: 'CREATE TABLE t (id int)' });
    const pool = await connectPool(lab.db.url, { max: 1 });
    try {
      const inserted = await withRolledBack(pool, async (client) => {
        await client.query('INSERT INTO t VALUES (1), (2)');
        return (await client.query('SELECT * FROM t')).rowCount;
      });
      expect(inserted).toBe(2);
      await expect(
        withRolledBack(pool, async (client) => {
          await client.query('INSERT INTO t VALUES (3)');
          throw new Error('work failed');
        }),
      ).rejects.toThrow('work failed');
      expect((await pool.query('SELECT * FROM t')).rowCount).toBe(0);
      expect(
        (await pool.query<{ x: string }>('SELECT txid_current_if_assigned() AS x')).rows[0]?.x,
      ).toBeNull();
    } finally {
      await pool.end();
    }
  });

  test('readOnly and rowSecurity off hold inside the transaction only', async () => {
    await using lab = await catalogDatabase({ sql: 'CREATE TABLE t (id int)' });
    const inside = await withRolledBack(
      lab.client,
      async (client) =>
        (
          await client.query<{ ro: string; rls: string }>(
            "SELECT current_setting('transaction_read_only') AS ro, current_setting('row_security') AS rls",
          )
        ).rows[0],
      { readOnly: true, rowSecurity: 'off' },
    );
    expect(inside).toEqual({ ro: 'on', rls: 'off' });
    await expect(
      withRolledBack(lab.client, (client) => client.query('INSERT INTO t VALUES (1)'), { readOnly: true }),
    ).rejects.toThrow(/read-only transaction/);
    const after = await lab.client.query<{ rls: string }>("SELECT current_setting('row_security') AS rls");
    expect(after.rows[0]?.rls).toBe('on');
  });

  test('a pooled connection whose ROLLBACK failed is destroyed, not reused', async () => {
    await using lab = await catalogDatabase();
    const pool = await connectPool(lab.db.url, { max: 1 });
    try {
      let first = -1;
      const value = await withRolledBack(pool, async (client) => {
        first = await pid(client);
        failNextRollback(client);
        return 'done';
      });
      expect(value).toBe('done');
      expect(await pid(pool)).not.toBe(first);
    } finally {
      await pool.end();
    }
  });

  test("on the caller's client a failed ROLLBACK is thrown, and the work's own error wins over it", async () => {
    await using lab = await catalogDatabase();
    const restore = failNextRollback(lab.client);
    try {
      await expect(withRolledBack(lab.client, async () => 'done')).rejects.toThrow(
        'connection lost during ROLLBACK',
      );
      await expect(
        withRolledBack(lab.client, () => Promise.reject(new Error('work failed'))),
      ).rejects.toThrow('work failed');
    } finally {
      restore();
      await lab.client.query('ROLLBACK');
    }
  });
});
