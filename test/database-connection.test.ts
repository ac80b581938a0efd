import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import { connectClient, connectPool } from '../helpers/db/database-connection.ts';
import { quoteIdent } from '../helpers/db/sql-identifier.ts';
import { createScratchDatabase } from '../helpers/db/scratch-database.ts';

describe('connectPool', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  test("a new pooled connection reads messages in English before the borrower's first query, none queued behind it", async () => {
    await using db = await createScratchDatabase(inject('adminUrl'));
    // Not C: what a session of this database gets unless the gate sets its own.
    const admin = await connectClient(inject('adminUrl'));
    try {
      await admin.query(`ALTER DATABASE ${quoteIdent(db.name)} SET lc_messages = 'POSIX'`);
    } finally {
      await admin.end();
    }
    const pool = await connectPool(db.url, { max: 4 });
    try {
      // pool.query twice at once, straight after connecting: the connection connectPool tried first
      // and a new one.
      const both = await Promise.all([
        pool.query('SELECT 1'),
        pool.query<{ lc: string }>("SELECT current_setting('lc_messages') AS lc"),
      ]);
      expect(both[1].rows[0]?.lc).toBe('C');
      // Three borrowers at once: three new connections, each asked straight away.
      const seen = await Promise.all(
        [1, 2, 3].map(async () => {
          const client = await pool.connect();
          try {
            const result = await client.query<{ lc: string }>("SELECT current_setting('lc_messages') AS lc");
            return result.rows[0]?.lc;
          } finally {
            client.release();
          }
        }),
      );
      expect(seen).toEqual(['C', 'C', 'C']);
    } finally {
      await pool.end();
    }
    // pg deprecates (and pg@9 removes) a query issued while another runs on the same client.
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      warnings.map((warning) => warning.message).filter((text) => text.includes('client.query()')),
    ).toEqual([]);
  });
});
