import { inject } from 'vitest';
import '../setup/ce-sequencer.ts';

/**
 * Whether the suite `stem` (a file name without its extensions, e.g. `ce27-rollback`) is in this
 * run, from the sequencer's list; true when no list was provided, so a step is never left unstarted
 * that its suite would need. A run narrowed to some suites then skips the others' background work.
 */
export function suiteInRun(stem: string): boolean {
  const files = inject('gateSuiteFiles');
  return files === undefined || files.some((file) => file.startsWith(`${stem}.`));
}
