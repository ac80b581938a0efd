import { fileURLToPath } from 'node:url';
import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

const TIGHT_BUDGET_CONFIG = fileURLToPath(
  new URL('../configs/tight-statement-timeout.gate.config.ts', import.meta.url),
);
const POST_RUN = ['suites/ce20-post-run-unchanged.test.ts'];

describe('sabotage: budgets.statementTimeoutMs cancels a runaway query instead of hanging the run', () => {
  test('a table too big to fingerprint within 250 ms fails ce20.post-run.unchanged naming the statement timeout', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    const client = await connectClient(db.url);
    try {
      // ~2 M narrow rows: the post-run fingerprint of this table takes well over a second.
      await client.query(
        `CREATE TABLE bulk_history AS SELECT g AS id, g % 97 AS bucket FROM generate_series(1, 2000000) AS g`,
      );
    } finally {
      await client.end();
    }
    const outcome = await runGate({
      databaseUrl: db.url,
      files: POST_RUN,
      env: { MIGRATION_GATE_CONFIG: TIGHT_BUDGET_CONFIG },
    });
    expect(outcome.decision).toBe('NO-GO');
    expect(outcome.failed).toEqual(['ce20.post-run.unchanged']);
    const check = outcome.checks.find((entry) => entry.id === 'ce20.post-run.unchanged');
    expect(check?.errors?.map((error) => error.message).join('\n')).toMatch(/statement timeout/);
  });

  test('control: the same budget on the reference database (no query near it) fails nothing', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'), {
      template: inject('templateDatabase'),
    });
    const outcome = await runGate({
      databaseUrl: db.url,
      files: POST_RUN,
      env: { MIGRATION_GATE_CONFIG: TIGHT_BUDGET_CONFIG },
    });
    expect(outcome.failed).toEqual([]);
    expect(outcome.checks.map((check) => check.id)).toContain('ce20.post-run.unchanged');
  });
});
