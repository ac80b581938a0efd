import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/** The reference config for the reference migrations plus `grants/006_narrow_grants` (version 006). */
export default defineGateConfig({
  ...reference,
  migrations: { ...reference.migrations, expectedVersion: '006' },
  // Paths in the reference config are relative to it: resolved here, since this file lives elsewhere.
  fixtures: {
    ...reference.fixtures,
    factories: fileURLToPath(new URL('../../../fixtures/reference-factories.ts', import.meta.url)),
  },
});
