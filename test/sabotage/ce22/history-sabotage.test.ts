import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const template = inject('templateDatabase');

describe('sabotage: migration history (CE-22)', () => {
  test('an applied migration whose recorded checksum no longer matches its file fails ce22.migrations.checksums', async () => {
    await using db = await createScratchDatabase(adminUrl, { template });
    const client = await connectClient(db.url);
    try {
      await client.query(
        `UPDATE migration_gate_history SET checksum = repeat('0', 64) WHERE version = '003'`,
      );
    } finally {
      await client.end();
    }
    const outcome = await runGate({
      databaseUrl: db.url,
      files: ['suites/ce22-migration-execution.test.ts'],
    });
    expect(outcome.decision).toBe('NO-GO');
    expect(outcome.failed).toEqual(['ce22.migrations.checksums']);
    expect(outcome.reasons.join('\n')).toContain('ce22.migrations.checksums');
  });
});
