import { describe, expect, test } from 'vitest';
import { probeRewrites } from '../../helpers/privileges/append-only-probe.ts';
import { catalogDatabase } from '../catalog/catalog-database.ts';

describe('probeRewrites', () => {
  test('shows PostgreSQL refusing what the role lacks, and leaves the table as it was', async () => {
    await using lab = await catalogDatabase({
      sql: `CREATE ROLE mg_append_app NOLOGIN;
            CREATE TABLE events (id int);
            INSERT INTO events VALUES (1);
            GRANT SELECT, INSERT, DELETE ON events TO mg_append_app;`,
    });
    try {
      const attempts = await probeRewrites(
        lab.client,
        { schema: 'public', table: 'events', appRole: 'mg_append_app' },
        ['UPDATE', 'DELETE', 'TRUNCATE'],
      );
      expect(attempts.map((attempt) => [attempt.command, attempt.refused])).toEqual([
        ['UPDATE', true],
        ['DELETE', false],
        ['TRUNCATE', true],
      ]);
      expect(attempts[0]?.outcome).toMatch(/^refused 42501: permission denied for table events$/);
      const rows = await lab.client.query('SELECT * FROM events');
      expect(rows.rowCount).toBe(1);
      const open = await lab.client.query<{ x: string | null }>('SELECT txid_current_if_assigned() AS x');
      expect(open.rows[0]?.x).toBeNull();
    } finally {
      await lab.client.query('DROP TABLE events; DROP ROLE mg_append_app');
    }
  });
});
