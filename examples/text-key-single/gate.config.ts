import { defineGateConfig } from '../../helpers/config/gate-config.ts';

/**
 * Example: a text tenant key with a CHECK, no tenants table, composite (tenant_id, id) keys, a
 * partitioned table, a tenant table in a second schema, the tenant set by the application's own SQL
 * function, and a single migration (golang-migrate files). Nothing in helpers/ or suites/ knows it.
 */
export default defineGateConfig({
  schema: 'public',
  migrations: {
    directory: 'migrations',
    expectedVersion: '000001',
    rollbackTarget: 'none',
  },
  tenancy: {
    tenantKey: 'tenant_id',
    tenantSetting: 'notes.tenant',
    tenantContext: { sql: 'SELECT app.set_tenant($1)' },
    appRole: 'notes_app',
    tenantTables: ['notebooks', 'notes', 'events'],
  },
  foreignKeys: {
    minimumCount: 1,
    critical: [{ table: 'notes', constraint: 'notes_notebook_fkey', onDelete: 'CASCADE' }],
    acceptedNotValid: [],
  },
  integrity: {
    timestampColumns: { created: 'created_at' },
    insertProbeTables: ['notes'],
  },
  fixtures: { seed: 11, tenants: 3 },
});
