import { defineConfig } from 'vitest/config';
import { junitReporters } from './reports/junit-reporter.ts';
import { CeSequencer } from './suites/setup/ce-sequencer.ts';

/** The gate suites share one database and end with a "nothing changed" proof, so they run one at a time. */
const gateProject = {
  // The gate's suites and this repository's own invariants (as a team's `invariants/` folder).
  include: ['suites/**/*.test.ts', 'invariants/**/*.test.ts'],
  fileParallelism: false,
  // One worker runs the files in turn, sharing its module cache (imports once, not once per file).
  isolate: false,
  testTimeout: 120_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    // Transformed modules cached on disk (node_modules/.experimental-vitest-cache): every nested gate
    // run in `npm test` is a new Vitest instance that would transform the same files again.
    experimental: { fsModuleCache: true },
    // The evidence reporter writes reports/out/… and the verdict for the `local` and `staging` projects.
    // MIGRATION_GATE_JUNIT=path also writes JUnit XML (CI test-report UIs).
    reporters: ['default', './reports/gate-reporter.ts', ...junitReporters()],
    // Root only: Vitest ignores a project's sequencer. Orders gate suites by plan, post-run last.
    sequence: { sequencer: CeSequencer },
    projects: [
      {
        test: {
          name: 'self',
          include: ['test/**/*.test.ts'],
          // Vitest's default is one worker per core minus one: one on a 2-core machine. Most of a file's
          // time is waiting on PostgreSQL and nested gate runs, so two files at a time use both cores.
          maxWorkers: 2,
          // Each worker runs file after file in one process (its imports once, no process per file):
          // the files restore what they change of process state (env, exit code, stdio).
          isolate: false,
          globalSetup: ['test/support/self-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      { test: { name: 'local', globalSetup: ['suites/setup/local-global-setup.ts'], ...gateProject } },
      { test: { name: 'staging', globalSetup: ['suites/setup/staging-global-setup.ts'], ...gateProject } },
    ],
  },
});
