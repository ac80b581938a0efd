import { describe, expect, inject, test } from 'vitest';
import { connectClient } from '../helpers/db/database-connection.ts';
import { errorMessage } from '../helpers/gate-error.ts';
import { loadMigrations } from '../helpers/migrations/migration-files.ts';
import { validateMigrations, type MigrationValidation } from '../helpers/migrations/migration-validation.ts';
import { Migrator, formatMs } from '../helpers/migrations/migrator.ts';
import { bookkeepingSchemaOf, readVersion } from '../helpers/migrations/migration-history.ts';
import { withRehearsalCopy } from '../helpers/run/restore-rehearsal.ts';
import {
  defineCheck,
  notApplicable,
  type CheckRecorder,
  type SkippableContext,
} from '../reports/check-meta.ts';
import { gateSettings, migrationsDirectory } from './support/gate-settings.ts';
import './support/database.ts';
import './setup/prepare-rehearsal.ts';
import { restoredBackup } from './support/restored-backup.ts';

const run = inject('gateRun');
// A directory the gate cannot read (mixed formats, an unparsable name) is one failed check, not a crashed file.
const loaded:
  | { readonly ok: true; readonly validation: MigrationValidation }
  | { readonly ok: false; readonly error: string } = await loadMigrations(migrationsDirectory()).then(
  async (migrations) => ({ ok: true, validation: await validateMigrations(migrations) }) as const,
  (error: unknown) => ({ ok: false, error: errorMessage(error) }) as const,
);

function validationOf(context: SkippableContext, check: CheckRecorder): MigrationValidation {
  if (loaded.ok) return loaded.validation;
  return notApplicable(context, check, `the migrations could not be read (see ce21.syntax): ${loaded.error}`);
}

describe('CE-21 migration script preparation and validation', () => {
  test('all migration files have valid SQL syntax (PostgreSQL parser)', ({ task }) => {
    const check = defineCheck(task, { id: 'ce21.syntax', ce: 'CE-21' });
    if (!loaded.ok) {
      check.measure('error', loaded.error);
      expect.fail(loaded.error);
    }
    const validation = loaded.validation;
    check.measureAll({
      files: validation.files.length + validation.syntaxErrors.length,
      statements: validation.files.reduce((n, f) => n + f.statements, 0),
    });
    check.offending(validation.syntaxErrors);
    expect(validation.syntaxErrors).toEqual([]);
  });

  test('every statement can run inside its migration transaction', ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce21.transactional', ce: 'CE-21' });
    const validation = validationOf({ skip }, check);
    check.offending(validation.nonTransactional);
    expect(validation.nonTransactional).toEqual([]);
  });

  test('migration order validated: no migration uses a relation a later one creates', ({ task, skip }) => {
    const check = defineCheck(task, { id: 'ce21.order', ce: 'CE-21' });
    const validation = validationOf({ skip }, check);
    check.measureAll({
      dependencies: validation.dependencies.map((edge) => `${edge.from} → ${edge.to} (${edge.relation})`),
      external: [...validation.external],
    });
    check.offending(validation.forwardReferences);
    expect(validation.forwardReferences).toEqual([]);
  });

  test('dry run completes without errors and leaves no trace', ({ task }) => {
    const check = defineCheck(task, { id: 'ce21.dry-run', ce: 'CE-21' });
    if (run.dryRun.ok !== true) {
      check.measure('error', run.dryRun.ok === false ? run.dryRun.error : run.dryRun.reason);
      expect.fail(run.dryRun.ok === false ? run.dryRun.error : run.dryRun.reason);
    }
    check.measureAll({
      from: run.dryRun.value.from,
      executed: run.dryRun.value.executed.map((step) => `${step.name}: ${formatMs(step.durationMs)}`),
      estimatedExecutionTime: formatMs(run.dryRun.value.totalMs),
      // `counts`: a run that changes nothing, whose post-run check compares every row's checksum with the preflight.
      rowsComparedBy: run.dryRunTrace.rows ?? 'checksums',
    });
    check.metric({ value: Math.round(run.dryRun.value.totalMs), unit: 'ms' });
    check.offending(run.dryRunTrace.tables);
    expect(run.dryRunTrace.tables).toEqual([]);
    expect(run.dryRunTrace.schemaChanged).toBe(false);
  });

  test('local staging mirror: the pre-migration backup, restored and migrated, reaches the expected version', async ({
    task,
  }) => {
    const check = defineCheck(task, { id: 'ce21.mirror', ce: 'CE-21' });
    expect(run.backup.ok, 'the mirror is built from the pre-migration backup, which is missing').toBe(true);
    if (run.backup.ok !== true) return;
    const rehearsal = await restoredBackup();
    if (rehearsal.ok !== true) {
      const reason = rehearsal.ok === false ? rehearsal.error : rehearsal.reason;
      check.measure('error', `restore of the backup failed: ${reason}`);
      expect.fail(`restore of the backup failed: ${reason}`);
    }
    let reached: string | null = null;
    // A TEMPLATE clone of the run's one restore: a file copy, not a second pg_restore or server.
    const source = {
      serverUrl: rehearsal.value.serverUrl,
      sourceUrl: inject('databaseUrl'),
      template: rehearsal.value.database,
    };
    await withRehearsalCopy(source, 'ce21_mirror', async (mirror) => {
      const result = await new Migrator({
        databaseUrl: mirror.url,
        directory: migrationsDirectory(),
        bookkeepingSchema: bookkeepingSchemaOf(gateSettings().migrations),
      }).migrate();
      check.measure(
        'applied',
        result.applied.map((step) => `${step.name}: ${formatMs(step.durationMs)}`),
      );
      const client = await connectClient(mirror.url);
      try {
        reached = await readVersion(client, bookkeepingSchemaOf(gateSettings().migrations));
      } finally {
        await client.end();
      }
    });
    check.measureAll({ reached, expected: gateSettings().migrations.expectedVersion });
    expect(reached).toBe(gateSettings().migrations.expectedVersion);
  });
});
