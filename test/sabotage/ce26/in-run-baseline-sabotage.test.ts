import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { copyMigrations } from '../../support/migrations-copy.ts';
import { expectChecksFailed, runGate } from '../../support/run-gate.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

describe('sabotage: the local run measures its own CE-26 baseline at the rollback target', () => {
  test('a migration 006 dropping the alerts FK indexes regresses against the baseline measured at 005 on the same data', async () => {
    await using copy = await copyMigrations({
      '006_drop_alerts_indexes.up.sql': await fs.readFile(here('./alerts-fk-indexes-dropped.sql'), 'utf8'),
      '006_drop_alerts_indexes.down.sql':
        'CREATE INDEX idx_alerts_tenant_id_analysis_id ON public.alerts (tenant_id, analysis_id);\n' +
        'CREATE INDEX idx_alerts_analysis_id ON public.alerts (analysis_id);\n' +
        'CREATE INDEX idx_alerts_tenant_id_source_clause_id ON public.alerts (tenant_id, source_clause_id);\n',
    });
    const outcome = await runGate({
      databaseUrl: 'postgresql://unused@127.0.0.1:1/unused',
      project: 'local',
      files: ['suites/ce26-performance.test.ts'],
      migrationsDirectory: copy.directory,
      env: { MIGRATION_GATE_CONFIG: here('../configs/rollback-target-005.gate.config.ts') },
    });
    expectChecksFailed(outcome, [
      'ce26.perf.regression.list.alerts',
      'ce26.perf.regression.analysis-with-alerts',
    ]);
    const message = (
      outcome.checks.find((check) => check.id === 'ce26.perf.regression.list.alerts')?.errors ?? []
    )
      .map((error) => error.message)
      .join('\n');
    expect(message).toContain('shared buffers (hit + read)');
    // Clean negative in the same run: queries the migration does not touch compare equal to their baseline.
    const statusOf = (id: string) => outcome.checks.find((check) => check.id === id)?.status;
    expect(statusOf('ce26.perf.regression.projects-of-tenant')).toBe('passed');
    expect(statusOf('ce26.perf.regression.list.clauses')).toBe('passed');
    expect(
      outcome.failed
        .filter((id) => id.startsWith('ce26.perf.regression.'))
        .every((id) => id.includes('alerts')),
    ).toBe(true);
  });
});
