import { defineConfig } from 'vitest/config';
import { CeSequencer } from './suites/setup/ce-sequencer.ts';

/** The gate suites share one database and end with a "nothing changed" proof, so they run in order. */
const gateProject = {
  include: ['suites/**/*.test.ts'],
  fileParallelism: false,
  sequence: { sequencer: CeSequencer },
  testTimeout: 120_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    // The evidence reporter writes reports/out/… and the verdict for the `local` and `staging` projects.
    reporters: ['default', './reports/gate-reporter.ts'],
    projects: [
      {
        test: {
          name: 'self',
          include: ['test/**/*.test.ts'],
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
