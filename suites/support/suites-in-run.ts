import { inject } from 'vitest';
import { suiteInList } from '../../helpers/run/gate-suite-files.ts';
import type { GateSuite } from '../setup/gate-suites.ts';

/**
 * A suite's view: whether `suite` is in this run, from the list the gate reporter provided; true when
 * there is none. A run narrowed to some suites then skips the others' background work.
 */
export function suiteInRun(suite: GateSuite): boolean {
  return suiteInList(inject('gateSuiteFiles'), suite);
}
