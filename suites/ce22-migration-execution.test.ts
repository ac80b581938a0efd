import { describe, expect, inject, test } from 'vitest';
import { loadMigrations } from '../helpers/migrations/migration-files.ts';
import {
  HISTORY_TABLE,
  VERSION_TABLE,
  bookkeepingSchemaOf,
  readHistory,
  readVersion,
} from '../helpers/migrations/migration-history.ts';
import { formatMs } from '../helpers/migrations/migrator.ts';
import {
  WELL_KNOWN_CHECK_IDS,
  defineCheck,
  defineWellKnownCheck,
  notApplicable,
} from '../reports/check-meta.ts';
import { describeForeignHistory, readForeignHistory } from '../helpers/migrations/foreign-history.ts';
import { compareVersions } from '../helpers/migrations/migration-version.ts';
import { suitePool } from './support/database.ts';
import { gateSettings, migrationsDirectory } from './support/gate-settings.ts';
import { postMigrationBackup, postMigrationBackupNeeded } from './support/post-migration-backup.ts';
import { dryRunOnlyMigrations, pendingNote } from './setup/gate-run-record.ts';

const run = inject('gateRun');
const pool = await suitePool();
const settings = gateSettings();
const bookkeepingSchema = bookkeepingSchemaOf(settings.migrations);

describe('CE-22 migration execution', () => {
  test('migrations executed without errors', ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce22.migrations.executed', ce: 'CE-22' });
    if (run.migrate.ok === 'not-run') {
      check.measure('notRunBecause', run.migrate.reason);
      // Nothing was applied by this run: not a pass. CE-22 then rests on the version check below.
      skip(run.migrate.reason);
      return;
    }
    if (run.migrate.ok === false) {
      check.measure('error', run.migrate.error);
      expect.fail(run.migrate.error);
    }
    check.measureAll({
      from: run.migrate.value.from,
      to: run.migrate.value.to,
      applied: run.migrate.value.applied.map((step) => `${step.name}: ${formatMs(step.durationMs)}`),
    });
    expect(run.migrate.value.to).toBe(settings.migrations.expectedVersion);
  });

  test('fixtures committed to the throw-away database (local runs)', ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce22.fixtures.seeded', ce: 'CE-22' });
    if (run.seeded.ok === 'not-run') {
      check.measure('notRunBecause', run.seeded.reason);
      skip(run.seeded.reason);
      return;
    }
    if (run.seeded.ok === false) {
      check.measure('error', run.seeded.error);
      expect.fail(`seeding the fixtures failed, so the data checks would read no rows: ${run.seeded.error}`);
    }
    // The gate's own bookkeeping rows are not fixtures: counted, they would pass a seed that wrote nothing.
    // The seed counts the tables of the gate's schema; the bookkeeping tables are among them only there.
    const bookkeeping: readonly string[] =
      bookkeepingSchema === settings.schema ? [VERSION_TABLE, HISTORY_TABLE] : [];
    const seeded = Object.entries(run.seeded.value).filter(([table]) => !bookkeeping.includes(table));
    const rows = seeded.reduce((sum, [, n]) => sum + n, 0);
    const emptyTenantTables = settings.tenancy.tenantTables.filter(
      (table) => (run.seeded.ok === true ? (run.seeded.value[table] ?? 0) : 0) === 0,
    );
    check.measureAll({ rows, tables: Object.fromEntries(seeded), emptyTenantTables });
    check.offending(emptyTenantTables.map((table) => ({ table, problem: 'no fixture rows' })));
    expect(rows, 'the fixtures wrote no row outside the gate bookkeeping tables').toBeGreaterThan(0);
    expect(
      emptyTenantTables,
      'tenant tables the fixtures left empty (their data checks would see no rows)',
    ).toEqual([]);
  });

  test(`schema version is the expected one`, async ({ task }) => {
    const check = defineWellKnownCheck(task, WELL_KNOWN_CHECK_IDS.migrationVersion);
    const client = await pool.connect();
    try {
      const version = await readVersion(client, bookkeepingSchema);
      const history = await readHistory(client, bookkeepingSchema);
      check.measureAll({ version, expected: settings.migrations.expectedVersion, applied: history.length });
      // Pending migrations only dry-run (staging without MIGRATION_GATE_APPLY): say so, not just "001 ≠ 002".
      const dryRunOnly = dryRunOnlyMigrations(run);
      expect(
        version,
        dryRunOnly.length === 0
          ? `the database is at ${version ?? 'no version'}, not ${settings.migrations.expectedVersion}`
          : `the database is at ${version ?? 'no version'}: ${dryRunOnly.join(', ')} pending and only dry-run (they ran and were rolled back); this run judged the database as it is — apply them (the deploy, or MIGRATION_GATE_APPLY=1 after the backup) and gate again`,
      ).toBe(
        // By number: golang-migrate records 3 for 000003_….up.sql.
        version !== null && compareVersions(version, settings.migrations.expectedVersion) === 0
          ? version
          : settings.migrations.expectedVersion,
      );
    } finally {
      client.release();
    }
  });

  test('applied migrations match their files (no checksum drift)', async ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce22.migrations.checksums', ce: 'CE-22' });
    const files = new Map((await loadMigrations(migrationsDirectory())).map((file) => [file.version, file]));
    const client = await pool.connect();
    try {
      const history = await readHistory(client, bookkeepingSchema);
      const drift = history
        .filter((record) => files.get(record.version)?.checksum !== record.checksum)
        .map((record) => ({
          migration: record.name,
          recorded: record.checksum,
          file: files.get(record.version)?.checksum ?? 'missing',
        }));
      check.measure('checksums', Object.fromEntries(history.map((record) => [record.name, record.checksum])));
      check.offending(drift);
      const foreign = history.length === 0 ? await readForeignHistory(client) : null;
      if (foreign !== null)
        notApplicable(
          { skip },
          check,
          `the migrations were applied by ${describeForeignHistory(foreign)}, which records no checksum the gate can compare with the files`,
        );
      expect(history.length).toBeGreaterThan(0);
      expect(drift).toEqual([]);
    } finally {
      client.release();
    }
  });

  test('all expected tables created', async ({ task }) => {
    const check = defineCheck(task, { id: 'ce22.tables.expected', ce: 'CE-22' });
    const result = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [settings.schema],
    );
    const present = new Set(result.rows.map((row) => row.table_name));
    const missing = settings.tenancy.tenantTables.filter((table) => !present.has(table));
    check.measureAll({
      expected: settings.tenancy.tenantTables.length,
      present: settings.tenancy.tenantTables.length - missing.length,
    });
    check.offending(missing);
    expect(
      missing,
      `tenant tables gate.config.ts expects that ${settings.schema} lacks: ${missing.join(', ')}${pendingNote(run)}`,
    ).toEqual([]);
  });

  test('post-migration backup created', async ({ task }) => {
    const check = defineCheck(task, { id: 'ce22.backup.post-migration', ce: 'CE-22' });
    if (!postMigrationBackupNeeded() && run.backup.ok === true) {
      // Nothing was applied or seeded: the pre-migration backup already holds the post-migration
      // state, and a second pg_dump of the same database would prove nothing more.
      const backup = run.backup.value;
      check.measureAll({
        path: backup.path,
        bytes: backup.bytes,
        durationMs: Math.round(backup.durationMs),
        source: 'the pre-migration backup: the run applied no migration and seeded nothing',
      });
      expect(backup.bytes).toBeGreaterThan(0);
      return;
    }
    // Started by CE-20 when the run includes it (a pg_dump only reads).
    const backup = await postMigrationBackup();
    check.measureAll({ path: backup.path, bytes: backup.bytes, durationMs: Math.round(backup.durationMs) });
    expect(backup.bytes).toBeGreaterThan(0);
  });
});
