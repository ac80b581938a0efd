import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/** The reference config for a team that keeps the migrator's bookkeeping tables in their own schema. */
export default defineGateConfig({
  ...reference,
  migrations: {
    ...reference.migrations,
    directory: fileURLToPath(new URL('../../../migrations', import.meta.url)),
    bookkeepingSchema: 'gate_meta',
  },
});
