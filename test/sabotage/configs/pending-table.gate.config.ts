import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/** The reference config for the reference migrations plus a 006 that creates the tenant table attachments. */
export default defineGateConfig({
  ...reference,
  migrations: { ...reference.migrations, expectedVersion: '006' },
  tenancy: { ...reference.tenancy, tenantTables: [...reference.tenancy.tenantTables, 'attachments'] },
  // Paths in the reference config are relative to it: resolved here, since this file lives elsewhere.
  fixtures: {
    ...reference.fixtures,
    factories: fileURLToPath(new URL('../../../fixtures/reference-factories.ts', import.meta.url)),
  },
});
