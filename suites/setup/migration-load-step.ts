import type { TestProject } from 'vitest/node';
import type { GateConfig } from '../../helpers/config/gate-config.ts';
import {
  onRollbackClone,
  rehearseMigrationsUnderLoad,
  type MigrationLoadRecord,
} from '../../helpers/load/migrations-under-load.ts';
import { measureBaseline, type MeasuredBaseline } from '../../helpers/perf/measure-baseline.ts';
import { baselineKey } from '../support/baseline-key.ts';
import { settleStep, type StepOutcome } from './gate-run-record.ts';
import './migration-load-record.ts';

/** Which halves of the step the run's suites read (see `gateSuiteFiles`). */
export interface MigrationLoadNeeds {
  /** CE-26 is in the run: measure its baseline at the rollback target. */
  readonly baseline: boolean;
  /** CE-22 under load is in the run: re-apply the migrations under the tenant workload. */
  readonly underLoad: boolean;
}

/**
 * `local` only, after the fixtures and the volume: on one seeded clone rolled back to the rollback
 * target, measures the CE-26 baseline (same data, pre-migration version), then re-applies the
 * migrations under the tenant workload (CE-22 under load). Each half runs only when its suite is in
 * the run (no clone at all when neither is). Both outcomes are provided to the suites; a failure is
 * recorded, never thrown.
 */
export async function provideMigrationLoad(
  project: TestProject,
  url: string,
  config: GateConfig,
  log: (line: string) => void,
  needs: MigrationLoadNeeds,
): Promise<void> {
  const notInRun = (suite: string) => ({ ok: 'not-run' as const, reason: `${suite} is not in this run` });
  const wantsBaseline = needs.baseline && config.performance !== undefined;
  let baseline: StepOutcome<MeasuredBaseline> =
    config.performance === undefined
      ? { ok: 'not-run', reason: 'the config has no performance section' }
      : notInRun('CE-26');
  let load: StepOutcome<MigrationLoadRecord> = notInRun('CE-22 under load');
  if (wantsBaseline || needs.underLoad) {
    const started = performance.now();
    const halves = await settleStep(() =>
      onRollbackClone({ url, config }, async (rolledBack) => {
        const measuring = performance.now();
        const measured = wantsBaseline
          ? await settleStep(() => measureBaseline(rolledBack.url, config, rolledBack.from, baselineKey))
          : baseline;
        if (wantsBaseline)
          log(
            `CE-26 baseline at version ${rolledBack.from ?? 'none'}: measured in ${Math.round(performance.now() - measuring)} ms`,
          );
        const loaded = needs.underLoad
          ? await settleStep(() => rehearseMigrationsUnderLoad(rolledBack, config, log))
          : load;
        return { measured, loaded };
      }),
    );
    // The clone or its rollback failed: every half that was wanted failed with it.
    if (halves.ok === true) ({ measured: baseline, loaded: load } = halves.value);
    else if (halves.ok === false) {
      if (wantsBaseline) baseline = halves;
      if (needs.underLoad) load = halves;
    }
    if (needs.underLoad)
      log(
        `migrations under load: ${load.ok === true ? 'done' : `FAILED — ${load.ok === false ? load.error : load.reason}`} in ${Math.round(performance.now() - started)} ms`,
      );
  }
  project.provide('migrationLoad', load);
  project.provide('perfBaseline', baseline);
}
