import { defineGateConfig } from '../../helpers/config/gate-config.ts';

/**
 * Example: a serial integer tenant key (`org_id`), the tenants table `orgs` keyed by its primary key,
 * no audit trail, dbmate migration files. Nothing in helpers/ or suites/ knows this schema.
 */
export default defineGateConfig({
  schema: 'public',
  migrations: {
    directory: 'db/migrations',
    expectedVersion: '20240101000003',
    rollbackTarget: '20240101000002',
  },
  tenancy: {
    tenantKey: 'org_id',
    tenantTable: 'orgs',
    tenantSetting: 'app.org_id',
    appRole: 'acme_app',
    tenantTables: ['orgs', 'members', 'invoices'],
  },
  foreignKeys: {
    minimumCount: 3,
    critical: [
      { table: 'members', constraint: 'members_org_id_fkey', onDelete: 'CASCADE' },
      { table: 'invoices', constraint: 'invoices_org_member_fkey', onDelete: 'SET NULL' },
    ],
    acceptedNotValid: [],
  },
  integrity: {
    timestampColumns: { created: 'created_at' },
    insertProbeTables: ['invoices'],
  },
  fixtures: { seed: 7, tenants: 3 },
});
