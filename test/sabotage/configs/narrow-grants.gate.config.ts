import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/**
 * The reference config for the reference migrations plus a 006 (`grants/006_narrow_grants`, and the
 * pending 006 of `ce23/access-lost-sabotage`), with the privileges `grants/006` takes from the
 * application on purpose acknowledged.
 */
export default defineGateConfig({
  ...reference,
  migrations: { ...reference.migrations, expectedVersion: '006' },
  tenancy: {
    ...reference.tenancy,
    // 006 revokes both on purpose: CE-23 fails a privilege the application loses unless acknowledged.
    acknowledgedChanges: [
      {
        object: 'public.tenants grant INSERT to c2pro_app',
        reason: 'tenants are provisioned by an administrator',
      },
      {
        object: 'public.audit_logs grant SELECT to c2pro_app',
        reason: 'the audit trail is written by its trigger and read by auditors only',
      },
    ],
  },
  // Paths in the reference config are relative to it: resolved here, since this file lives elsewhere.
  fixtures: {
    ...reference.fixtures,
    factories: fileURLToPath(new URL('../../../fixtures/reference-factories.ts', import.meta.url)),
  },
});
