import { describe, expect, inject, test } from 'vitest';
import { listBackup } from '../helpers/run/database-backup.ts';
import { defineCheck, notApplicable } from '../reports/check-meta.ts';
import { suitePool } from './support/database.ts';
import './setup/prepare-rehearsal.ts';
import { rollbackCycle } from './support/rollback-cycle-run.ts';
import { restoredBackup } from './support/restored-backup.ts';
import { postMigrationBackup, postMigrationBackupNeeded } from './support/post-migration-backup.ts';
import { suiteInRun } from './support/suites-in-run.ts';
import { GATE_SUITES } from './setup/gate-suites.ts';

const run = inject('gateRun');
const metadata = inject('runMetadata');
const pool = await suitePool();
// CE-27's cycle works on an isolated copy and CE-22's post-migration pg_dump only reads: both start
// now and run while CE-21 … CE-25 judge the source, when the suite that judges them is in the run.
if (suiteInRun(GATE_SUITES.rollback)) void rollbackCycle();
if (suiteInRun(GATE_SUITES.migrationExecution) && postMigrationBackupNeeded()) void postMigrationBackup();
// The restore rehearsal, which the backup check below awaits (a fresh database has nothing to restore).
if (run.preflight.tables.length > 0 && run.backup.ok === true) void restoredBackup();

describe('CE-20 pre-migration environment validation', () => {
  test('database connection succeeds; its version and current state are documented', async ({ task }) => {
    const check = defineCheck(task, { id: 'ce20.connection', ce: 'CE-20' });
    const result = await pool.query<{ version: string; database: string }>(
      'SELECT version() AS version, current_database() AS database',
    );
    // The state before the run (CE-20 task 4): counts, and every table with its rows.
    check.measureAll({
      version: result.rows[0]?.version,
      database: result.rows[0]?.database,
      url: metadata.database.url,
      ...run.preflight.counts,
    });
    check.inventory(
      'State before the run',
      run.preflight.tables.map((table) => ({
        table: table.table,
        rows: table.rows,
        checksum: table.checksum,
      })),
    );
    expect(result.rows[0]?.version).toMatch(/^PostgreSQL \d+/);
  });

  test('environment is configured: provider, database URL and client tools', ({ task }) => {
    const check = defineCheck(task, { id: 'ce20.environment', ce: 'CE-20' });
    const pgDump = run.backup.ok === true ? run.backup.value.pgDumpVersion : null;
    check.measureAll({
      project: run.project,
      provider: metadata.provider,
      databaseUrl: metadata.database.url,
      pgDump,
    });
    expect(metadata.database.url).not.toBe('');
    expect(pgDump, 'pg_dump must be installed to back the database up').toMatch(/pg_dump/);
  });

  test('the config names tables, columns, role and setting the migrated schema has', ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce20.config.matches-schema', ce: 'CE-20' });
    const outcome = run.configCheck;
    if (outcome.ok !== true) {
      if (outcome.ok === 'not-run') notApplicable({ skip }, check, outcome.reason);
      expect.fail(`the config could not be compared with the schema: ${outcome.error}`);
    }
    check.measure('problems', outcome.value.length);
    check.offending(outcome.value);
    // One sentence per problem, each naming the config field and what the schema has instead.
    if (outcome.value.length > 0)
      expect.fail(
        `the config does not fit the migrated schema: ${outcome.value.map((problem) => problem.sentence).join(' ')}`,
      );
  });

  test('pre-migration backup created (file size > 0)', ({ task }) => {
    const check = defineCheck(task, { id: 'ce20.backup.created', ce: 'CE-20' });
    if (run.backup.ok !== true) {
      check.measure('error', run.backup.ok === false ? run.backup.error : run.backup.reason);
      expect.fail(
        `no pre-migration backup: ${run.backup.ok === false ? run.backup.error : run.backup.reason}`,
      );
    }
    check.measureAll({
      path: run.backup.value.path,
      bytes: run.backup.value.bytes,
      durationMs: Math.round(run.backup.value.durationMs),
    });
    expect(run.backup.value.bytes).toBeGreaterThan(0);
  });

  test('pre-migration backup verified with pg_restore --list', async ({ task }) => {
    const check = defineCheck(task, { id: 'ce20.backup.verified', ce: 'CE-20' });
    expect(run.backup.ok, 'no backup to verify').toBe(true);
    if (run.backup.ok !== true) return;
    const contents = await listBackup(run.backup.value.path);
    check.measureAll({
      format: contents.format,
      declaredEntries: contents.declaredEntries,
      listedEntries: contents.entries.length,
      dumpedFrom: contents.dumpedFrom,
    });
    expect(contents.format).toBe('CUSTOM');
    // The header's count includes entries pg_restore does not list (e.g. the encoding), so at least as many.
    expect(contents.declaredEntries).toBeGreaterThanOrEqual(contents.entries.length);
    // Compare the version numbers only; distributions append their build, e.g. `15.20 (Debian …)`.
    expect(contents.dumpedFrom?.split(' ')[0]).toBe(metadata.database.serverVersion.split(' ')[0]);
  });

  test('backup restoration tested in an isolated database: every table restores with its row count', async ({
    task,
    skip,
  }) => {
    const check = defineCheck(task, { id: 'ce20.backup.restore-tested', ce: 'CE-20' });
    expect(run.backup.ok, 'no backup to restore').toBe(true);
    if (run.backup.ok !== true) return;
    if (run.preflight.tables.length === 0) {
      // A fresh database (the `local` project): restoring nothing proves nothing. CE-21's mirror and
      // CE-27's cycle restore populated backups in every run.
      skip('the database had no tables before the run, so there is nothing to restore');
      return;
    }
    // Restored once on the run's rehearsal server, started when this file loaded (CE-21 and CE-27
    // clone that restore).
    const rehearsal = await restoredBackup();
    if (rehearsal.ok !== true) {
      check.measure('error', rehearsal.ok === false ? rehearsal.error : rehearsal.reason);
      expect.fail(rehearsal.ok === false ? rehearsal.error : rehearsal.reason);
    }
    const restored = rehearsal.value.snapshot;
    check.measure('restoreMs', Math.round(rehearsal.value.restoreMs));
    const restoredRows = new Map(restored.tables.map((table) => [table.table, table.rows]));
    const mismatches = run.preflight.tables
      .filter((table) => restoredRows.get(table.table) !== table.rows)
      .map((table) => ({
        table: table.table,
        source: table.rows,
        restored: restoredRows.get(table.table) ?? null,
      }));
    check.measureAll({ tables: run.preflight.tables.length, restoredTables: restored.tables.length });
    check.offending(mismatches);
    expect(mismatches).toEqual([]);
  });
});
