/**
 * Rehearses the `staging` project against a real server: creates a scratch database on it
 * (default: the machine's PostgreSQL at 127.0.0.1:5432), migrates and seeds it, fingerprints it,
 * runs `vitest run --project staging` on it, fingerprints it again, and drops it. Exits non-zero if
 * the gate failed or the database changed in any way.
 *
 *   npm run test:staging                       # STAGING_ADMIN_URL=postgresql://postgres@127.0.0.1:5432/postgres
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import gateConfig from '../gate.config.ts';
import { seedDatabase } from '../fixtures/index.ts';
import { connectClient } from '../helpers/db/database-connection.ts';
import { compareSnapshots, takeSnapshot, type DatabaseSnapshot } from '../helpers/run/database-snapshot.ts';
import { GateError, errorMessage } from '../helpers/gate-error.ts';
import { bookkeepingSchemaOf } from '../helpers/migrations/migration-history.ts';
import { Migrator } from '../helpers/migrations/migrator.ts';
import { redactUrl } from '../helpers/redact.ts';
import { quoteIdent } from '../helpers/db/sql-identifier.ts';
import { createScratchDatabase } from '../helpers/db/scratch-database.ts';

const adminUrl = process.env['STAGING_ADMIN_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function log(line: string): void {
  process.stdout.write(`[staging rehearsal] ${line}\n`);
}

async function fingerprint(url: string): Promise<DatabaseSnapshot> {
  const client = await connectClient(url);
  try {
    return await takeSnapshot(client);
  } finally {
    await client.end();
  }
}

function runStagingGate(databaseUrl: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.resolve('node_modules/vitest/vitest.mjs'), 'run', '--project', 'staging'],
      {
        stdio: 'inherit',
        env: { ...process.env, DATABASE_URL: databaseUrl },
      },
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  await using db = await createScratchDatabase(adminUrl, { prefix: 'mg_staging_rehearsal' });
  log(`scratch database ${redactUrl(db.url)}`);
  await new Migrator({
    databaseUrl: db.url,
    directory: path.resolve(gateConfig.migrations.directory),
    bookkeepingSchema: bookkeepingSchemaOf(gateConfig.migrations),
    log,
  }).migrate();
  const counts = await seedDatabase(db.url, {
    schema: gateConfig.schema,
    tenants: gateConfig.fixtures.tenants,
    seed: gateConfig.fixtures.seed,
  });
  log(`seeded ${Object.values(counts).reduce((sum, n) => sum + n, 0)} rows`);
  const before = await fingerprint(db.url);
  const started = performance.now();
  const gateExit = await runStagingGate(db.url);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const after = await fingerprint(db.url);
  const difference = compareSnapshots(before, after);
  const rows = before.tables.reduce((sum, table) => sum + table.rows, 0);
  log(`staging gate exited ${gateExit} after ${seconds} s`);
  log(
    `before: ${before.tables.length} tables, ${rows} rows, schema ${before.schemaChecksum}; after: ${after.tables.length} tables, ${after.tables.reduce((s, t) => s + t.rows, 0)} rows, schema ${after.schemaChecksum}`,
  );
  if (difference.tables.length > 0 || difference.schemaChanged) {
    log(`the database CHANGED: ${JSON.stringify(difference)}`);
    return 1;
  }
  log('row counts, per-table checksums and the schema are identical before and after the run');
  return gateExit;
}

/** Roles are server-wide and outlive the scratch database: drop the app role if this run created it. */
async function withRoleCleanup(work: () => Promise<number>): Promise<number> {
  const role = gateConfig.tenancy.appRole;
  const admin = await connectClient(adminUrl);
  try {
    const existed = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
    const code = await work();
    if (!existed) {
      try {
        await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
        log(`dropped role ${role}, which this run created`);
      } catch (error) {
        // Another database on the server uses it now (SQLSTATE 2BP01): it is no longer ours to drop.
        log(`kept role ${role}: ${errorMessage(error)}`);
      }
    }
    return code;
  } finally {
    await admin.end();
  }
}

try {
  process.exitCode = await withRoleCleanup(main);
} catch (error) {
  const hint = error instanceof GateError ? '' : ' (unexpected)';
  process.stderr.write(`staging rehearsal failed${hint}: ${errorMessage(error)}\n`);
  process.exitCode = 1;
}
