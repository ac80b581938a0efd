import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { copyMigrations } from '../../support/migrations-copy.ts';
import { expectChecksFailed, runGate } from '../../support/run-gate.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const REWRITE = '006_alerts_title_rewrite';

describe('sabotage: migrations under a tenant workload (CE-22 under load)', () => {
  test('a migration that rewrites the populated alerts table fails ce22.load.<migration>; the reference migrations beside it pass', async () => {
    await using copy = await copyMigrations({
      [`${REWRITE}.up.sql`]: await fs.readFile(here('./alerts-title-rewrite.up.sql'), 'utf8'),
      [`${REWRITE}.down.sql`]: await fs.readFile(here('./alerts-title-rewrite.down.sql'), 'utf8'),
    });
    const outcome = await runGate({
      databaseUrl: 'postgresql://unused@127.0.0.1:1/unused',
      project: 'local',
      files: ['suites/ce22-under-load.test.ts'],
      migrationsDirectory: copy.directory,
      env: { MIGRATION_GATE_CONFIG: here('../configs/tight-exclusive-lock.gate.config.ts') },
    });
    expectChecksFailed(outcome, [`ce22.load.${REWRITE}`]);
    const check = outcome.checks.find((candidate) => candidate.id === `ce22.load.${REWRITE}`);
    expect(check?.errors?.map((error) => error.message).join('\n')).toMatch(
      /ACCESS EXCLUSIVE on populated alerts for \d+ ms/,
    );
    // Clean negative in the same run: the reference migrations take no long ACCESS EXCLUSIVE on data.
    const statusOf = (id: string) => outcome.checks.find((candidate) => candidate.id === id)?.status;
    expect(statusOf('ce22.load.004_indexes_optimization')).toBe('passed');
    expect(statusOf('ce22.load.005_audit_logging')).toBe('passed');
    expect(outcome.failed.filter((id) => id.startsWith('ce22.load.'))).toEqual([`ce22.load.${REWRITE}`]);
  });
});
