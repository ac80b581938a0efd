import { inject } from 'vitest';
import { suiteInList } from '../../helpers/run/gate-suite-files.ts';

/**
 * Whether the suite `stem` (a file name without its extensions, e.g. `ce27-rollback`) is in this
 * run, from the list the gate reporter provided; true when there is none. A run narrowed to some
 * suites then skips the others' background work.
 */
export function suiteInRun(stem: string): boolean {
  return suiteInList(inject('gateSuiteFiles'), stem);
}
