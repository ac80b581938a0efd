import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/**
 * The reference config with the rollback target at 005, the reference's last migration: a branch's
 * migration 006 is then the one under test, and the local run's CE-26 baseline is measured at 005.
 */
export default defineGateConfig({
  ...reference,
  migrations: {
    ...reference.migrations,
    directory: fileURLToPath(new URL('../../../migrations', import.meta.url)),
    rollbackTarget: '005',
  },
  // Paths in the reference config are relative to it: resolved here, since this file lives elsewhere.
  fixtures: {
    ...reference.fixtures,
    factories: fileURLToPath(new URL('../../../fixtures/reference-factories.ts', import.meta.url)),
  },
});
