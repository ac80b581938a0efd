import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/** The reference config with a deliberate REVOKE DELETE on ai_usage_logs acknowledged (ce23 privileges clean negative). */
export default defineGateConfig({
  ...reference,
  migrations: {
    ...reference.migrations,
    directory: fileURLToPath(new URL('../../../migrations', import.meta.url)),
  },
  tenancy: {
    ...reference.tenancy,
    acknowledgedChanges: [
      {
        object: 'public.ai_usage_logs grant DELETE to c2pro_app',
        reason: 'usage logs are billing records, kept',
      },
    ],
  },
});
