import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/** The reference config with no fixture tenants: the local seed writes no row of its own. */
export default defineGateConfig({
  ...reference,
  migrations: {
    ...reference.migrations,
    directory: fileURLToPath(new URL('../../../migrations', import.meta.url)),
  },
  fixtures: { ...reference.fixtures, tenants: 0 },
});
