import { defineGateConfig } from './helpers/gate-config.ts';

const tenantTables = [
  'tenants',
  'users',
  'projects',
  'documents',
  'clauses',
  'analyses',
  'alerts',
  'extractions',
  'stakeholders',
  'wbs_items',
  'bom_items',
  'stakeholder_wbs_raci',
  'ai_usage_logs',
  'audit_logs',
] as const;

/** The C2Pro reference schema, as the staging-migration plan (CE-20 … CE-28) expects it. */
export default defineGateConfig({
  schema: 'public',
  migrations: { directory: 'migrations', expectedVersion: '005' },
  tenancy: {
    tenantKey: 'tenant_id',
    tenantTable: 'tenants',
    tenantSetting: 'app.current_tenant',
    appRole: 'c2pro_app',
    tenantTables,
    forceRlsTables: tenantTables,
  },
  foreignKeys: {
    minimumCount: 15,
    critical: [
      { table: 'users', constraint: 'users_tenant_id_fkey' },
      { table: 'projects', constraint: 'projects_tenant_id_fkey' },
      { table: 'documents', constraint: 'documents_project_id_fkey' },
      { table: 'clauses', constraint: 'clauses_document_id_fkey' },
      { table: 'alerts', constraint: 'alerts_analysis_id_fkey' },
    ],
    acceptedNotValid: [],
  },
  integrity: {
    expectedColumns: [
      {
        table: 'clauses',
        columns: [
          { name: 'id', type: 'uuid', nullable: false },
          { name: 'tenant_id', type: 'uuid', nullable: false },
          { name: 'document_id', type: 'uuid', nullable: false },
          { name: 'clause_number', type: 'text', nullable: false },
          { name: 'clause_type', type: 'text', nullable: true },
          { name: 'content', type: 'text', nullable: false },
          { name: 'created_at', type: 'timestamp with time zone', nullable: false },
          { name: 'updated_at', type: 'timestamp with time zone', nullable: false },
        ],
      },
    ],
    clockSkewSeconds: 60,
    auditedTables: ['projects', 'documents', 'clauses', 'analyses', 'alerts'],
    auditTable: 'audit_logs',
  },
  fixtures: { seed: 20260108, tenants: 4 },
  gates: {
    definitions: [
      { id: 'gate1', title: 'Environment validation', sections: ['CE-20'] },
      { id: 'gate2', title: 'Migration execution', sections: ['CE-21', 'CE-22'] },
      { id: 'gate3', title: 'Security and integrity verification', sections: ['CE-23', 'CE-24', 'CE-25'] },
      { id: 'gate4', title: 'Performance', sections: ['CE-26'] },
      { id: 'gate5', title: 'Rollback readiness', sections: ['CE-27'] },
    ],
    required: ['gate1', 'gate2', 'gate3'],
  },
});
