import { fileURLToPath } from 'node:url';
import reference from '../../../gate.config.ts';
import { defineGateConfig } from '../../../helpers/config/gate-config.ts';

/** The reference config with `document_notes` (derived-using-true.sql) declared readable across tenants. */
export default defineGateConfig({
  ...reference,
  migrations: {
    ...reference.migrations,
    directory: fileURLToPath(new URL('../../../migrations', import.meta.url)),
  },
  tenancy: {
    ...reference.tenancy,
    sharedChildTables: [{ table: 'document_notes', reason: 'notes are public to every tenant by design' }],
  },
});
