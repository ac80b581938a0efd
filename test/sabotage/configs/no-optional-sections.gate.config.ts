import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/**
 * The reference config with every optional CE-25 input left out (no audit trail, no expected columns,
 * no linkages, no insert probes, no timestamp columns): those checks must be "not applicable", not failed.
 */
export default defineGateConfig({
  ...reference,
  migrations: {
    ...reference.migrations,
    directory: fileURLToPath(new URL('../../../migrations', import.meta.url)),
  },
  integrity: {},
});
