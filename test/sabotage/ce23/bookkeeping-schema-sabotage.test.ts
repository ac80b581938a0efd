import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../../../helpers/db/database-connection.ts';
import { Migrator } from '../../../helpers/migrations/migrator.ts';
import { quoteIdent } from '../../../helpers/db/sql-identifier.ts';
import gateConfig from '../../../gate.config.ts';
import { runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

const BOOKKEEPING_CONFIG = fileURLToPath(
  new URL('../configs/bookkeeping-schema.gate.config.ts', import.meta.url),
);

describe('sabotage: bookkeeping tables in their own schema (CE-23)', () => {
  test('SELECT on gate_meta.migration_gate_history fails ce23.privileges.bookkeeping-tables', async () => {
    await using db = await createScratchDatabase(inject('adminUrl'));
    await new Migrator({
      databaseUrl: db.url,
      directory: path.resolve('migrations'),
      bookkeepingSchema: 'gate_meta',
    }).migrate();
    const client = await connectClient(db.url);
    try {
      const role = quoteIdent(gateConfig.tenancy.appRole);
      await client.query(`GRANT USAGE ON SCHEMA gate_meta TO ${role}`);
      await client.query(`GRANT SELECT ON gate_meta.migration_gate_history TO ${role}`);
    } finally {
      await client.end();
    }
    const outcome = await runGate({
      databaseUrl: db.url,
      files: ['suites/ce23-privileges.test.ts'],
      rehearsalUrl: inject('adminUrl'),
      env: { MIGRATION_GATE_CONFIG: BOOKKEEPING_CONFIG },
    });
    expect(outcome.decision).toBe('NO-GO');
    expect(outcome.failed).toEqual(['ce23.privileges.bookkeeping-tables']);
  }, 180_000);
});
