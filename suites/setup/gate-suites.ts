import type { TestProject } from 'vitest/node';
import { suiteInList } from '../../helpers/run/gate-suite-files.ts';

/**
 * The suites whose setup or background steps are skipped when they are not in the run, by file name
 * without extensions (`gateSuiteFiles`). One table, so a renamed suite fails a test instead of
 * silently losing its steps.
 */
export const GATE_SUITES = {
  environment: 'ce20-environment',
  migrationValidation: 'ce21-migration-validation',
  migrationExecution: 'ce22-migration-execution',
  underLoad: 'ce22-under-load',
  performance: 'ce26-performance',
  rollback: 'ce27-rollback',
} as const;

export type GateSuite = (typeof GATE_SUITES)[keyof typeof GATE_SUITES];

/** Setup's view: whether `suite` is in the run the gate reporter described to `project`. */
export function suiteInProjectRun(
  project: Pick<TestProject, 'getProvidedContext'>,
  suite: GateSuite,
): boolean {
  return suiteInList(project.getProvidedContext().gateSuiteFiles, suite);
}
