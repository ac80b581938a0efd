import type { TestProject } from 'vitest/node';
import type { GateConfig } from '../../helpers/config/gate-config.ts';
import { errorMessage } from '../../helpers/gate-error.ts';
import {
  rehearseMigrationsUnderLoad,
  type MigrationLoadRecord,
} from '../../helpers/load/migrations-under-load.ts';
import { measureBaseline, type MeasuredBaseline } from '../../helpers/perf/measure-baseline.ts';
import { baselineKey } from '../support/baseline-key.ts';
import type { StepOutcome } from './gate-run-record.ts';
import './migration-load-record.ts';

/**
 * `local` only, after the fixtures and the volume: on one seeded clone rolled back to the rollback
 * target, measures the CE-26 baseline (same data, pre-migration version), then re-applies the
 * migrations under the tenant workload (CE-22 under load). Both outcomes are provided to the suites;
 * a failure is recorded, never thrown.
 */
export async function provideMigrationLoad(
  project: TestProject,
  url: string,
  config: GateConfig,
  log: (line: string) => void,
): Promise<void> {
  const started = performance.now();
  let baseline: StepOutcome<MeasuredBaseline> = {
    ok: 'not-run',
    reason: 'the config has no performance section',
  };
  const load: StepOutcome<MigrationLoadRecord> = await rehearseMigrationsUnderLoad({
    url,
    config,
    log,
    atRollbackTarget: async (cloneUrl, version) => {
      if (config.performance === undefined) return;
      const measuring = performance.now();
      baseline = await measureBaseline(cloneUrl, config, version, baselineKey).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error: errorMessage(error) }),
      );
      log(
        `CE-26 baseline at version ${version ?? 'none'}: measured in ${Math.round(performance.now() - measuring)} ms`,
      );
    },
  }).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: errorMessage(error) }),
  );
  log(
    `migrations under load: ${load.ok === true ? 'done' : `FAILED — ${load.ok === false ? load.error : ''}`} in ${Math.round(performance.now() - started)} ms`,
  );
  project.provide('migrationLoad', load);
  project.provide('perfBaseline', baseline);
}
