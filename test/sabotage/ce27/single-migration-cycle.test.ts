import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { expectChecksFailed, runGate } from '../../support/run-gate.ts';
import { createScratchDatabase } from '../../../helpers/db/scratch-database.ts';

const adminUrl = inject('adminUrl');
const VERSION = '20240101000000';

/** The reference schema squashed into ONE dbmate migration: up files in order, down files in reverse. */
async function squashedReference(): Promise<{ up: string; down: string }> {
  const directory = path.resolve('migrations');
  const files = (await fs.readdir(directory)).sort();
  const read = (file: string) => fs.readFile(path.join(directory, file), 'utf8');
  const ups = await Promise.all(files.filter((file) => file.endsWith('.up.sql')).map(read));
  const downs = await Promise.all(
    files
      .filter((file) => file.endsWith('.down.sql'))
      .reverse()
      .map(read),
  );
  return { up: ups.join('\n'), down: downs.join('\n') };
}

/**
 * Gates an empty database with a one-migration dbmate history and no rollbackTarget in the config:
 * the cycle rolls back to before the first migration (no version) and forward again.
 */
async function gateSingleMigration(down: string | undefined) {
  const squashed = await squashedReference();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'migration-gate-single-'));
  try {
    const migrations = path.join(work, 'migrations');
    await fs.mkdir(migrations);
    await fs.writeFile(
      path.join(migrations, `${VERSION}_reference_schema.sql`),
      `-- migrate:up\n${squashed.up}\n-- migrate:down\n${down ?? squashed.down}\n`,
    );
    const config = path.join(work, 'gate.config.ts');
    await fs.writeFile(
      config,
      `import base from ${JSON.stringify(path.resolve('gate.config.ts'))};\n` +
        `export default { ...base, migrations: { ...base.migrations, directory: 'migrations', expectedVersion: '${VERSION}', rollbackTarget: undefined } };\n`,
    );
    await using db = await createScratchDatabase(adminUrl, { prefix: 'mg_single' });
    return await runGate({
      databaseUrl: db.url,
      files: ['suites/ce27-rollback.test.ts'],
      migrationsDirectory: migrations,
      env: { MIGRATION_GATE_APPLY: '1', MIGRATION_GATE_CONFIG: config },
    });
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

describe('CE-27 on a single-migration (dbmate) history', () => {
  test('clean: rolls back to no version, judged on the re-applied schema; no table is lost data', async () => {
    const outcome = await gateSingleMigration(undefined);
    expect(outcome.failed).toEqual([]);
    const status = Object.fromEntries(outcome.checks.map((check) => [check.id, check.status]));
    expect(status).toMatchObject({
      'ce27.rollback.executed': 'passed',
      'ce27.rollback.version': 'passed',
      'ce27.rollback.reapplied': 'passed',
      'ce27.rollback.cycle-restores': 'passed',
      // Every table is created by the one migration: nothing is expected to survive its rollback.
      'ce27.rollback.tables-present': 'not-applicable',
      'ce27.rollback.data-preserved': 'not-applicable',
    });
  });

  test('sabotage: an empty -- migrate:down section is one failure naming the file', async () => {
    const outcome = await gateSingleMigration('');
    expectChecksFailed(outcome, ['ce27.rollback.executed']);
    expect(outcome.failed).toEqual(['ce27.rollback.executed']);
    expect(outcome.readiness).toContain(`${VERSION}_reference_schema.sql (-- migrate:down) is empty`);
  });
});
