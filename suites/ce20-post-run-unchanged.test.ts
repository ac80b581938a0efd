import { describe, expect, inject, test } from 'vitest';
import { compareSnapshots, takeSnapshot } from '../helpers/run/database-snapshot.ts';
import { progressLog } from '../helpers/progress-log.ts';
import { defineCheck } from '../reports/check-meta.ts';
import { largeTableProgress } from './setup/large-table-progress.ts';
import { suitePool } from './support/database.ts';
import { gateSettings } from './support/gate-settings.ts';

const run = inject('gateRun');
const pool = await suitePool();

// Runs last (see ce-sequencer.ts): every suite before it wrote only inside rolled-back transactions.
describe('CE-20 zero data loss: the gate left the database as it found it', () => {
  test('row counts and checksums of every table, and the schema, are unchanged by the run', async ({
    task,
  }) => {
    const check = defineCheck(task, { id: 'ce20.post-run.unchanged', ce: 'CE-20' });
    const client = await pool.connect();
    try {
      // A long pass over big tables shows it is moving: one line per large table, with rows/s.
      const now = await takeSnapshot(client, gateSettings().schema, {
        onLargeTable: largeTableProgress(
          'post-run fingerprint',
          progressLog(`migration-gate ${run.project}`),
        ),
      });
      const difference = compareSnapshots(run.baseline, now);
      check.measureAll({
        tables: now.tables.length,
        rows: now.tables.reduce((sum, table) => sum + table.rows, 0),
        schemaChecksumBefore: run.baseline.schemaChecksum,
        schemaChecksumAfter: now.schemaChecksum,
      });
      check.offending(difference.tables);
      expect(difference.tables).toEqual([]);
      expect(difference.schemaChanged).toBe(false);
    } finally {
      client.release();
    }
  });
});
