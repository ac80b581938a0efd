import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/** The reference config with a mistyped tenant key and application role: what check-config must name. */
export default defineGateConfig({
  ...reference,
  migrations: {
    ...reference.migrations,
    directory: fileURLToPath(new URL('../../../migrations', import.meta.url)),
  },
  tenancy: { ...reference.tenancy, tenantKey: 'tenantid', appRole: 'c2pro_application' },
});
