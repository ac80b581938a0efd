import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/**
 * The reference config with a 250 ms limit on ACCESS EXCLUSIVE over populated tables under load, so a
 * table rewrite of the seeded volume fails whatever the machine's speed, while the reference
 * migrations (which take no ACCESS EXCLUSIVE on a populated table) still pass.
 */
export default defineGateConfig({
  ...reference,
  migrations: {
    ...reference.migrations,
    directory: fileURLToPath(new URL('../../../migrations', import.meta.url)),
  },
  // Paths in the reference config are relative to it: resolved here, since this file lives elsewhere.
  fixtures: {
    ...reference.fixtures,
    factories: fileURLToPath(new URL('../../../fixtures/reference-factories.ts', import.meta.url)),
  },
  ...(reference.performance === undefined
    ? {}
    : { performance: { ...reference.performance, maxExclusiveLockMs: 250 } }),
});
