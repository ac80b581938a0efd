import { defineGateConfig } from './helpers/config/gate-config.ts';

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
  migrations: {
    directory: 'migrations',
    expectedVersion: '005',
    rollbackTarget: '003',
    rollbackProbe: { table: 'tenants', row: { name: 'Rollback Test' } },
  },
  tenancy: {
    tenantKey: 'tenant_id',
    tenantTable: 'tenants',
    tenantSetting: 'app.current_tenant',
    appRole: 'c2pro_app',
    tenantTables,
    // forceRlsTables left out: FORCE is required on every tenant table, discovered ones included.
    // 002 grants table-level UPDATE, which covers tenant_id; every policy's WITH CHECK refuses a row
    // leaving its tenant, which ce23.rls.<table>.update-move-to-other-tenant proves on each table.
    acceptedTenantKeyUpdate: {
      reason:
        'table-level UPDATE covers tenant_id; the WITH CHECK of every policy refuses moving a row to another tenant (proven by ce23.rls.<table>.update-move-to-other-tenant)',
    },
    crossTenantProbe: {
      tenants: [
        { id: '11111111-1111-1111-1111-111111111111', name: 'Test Tenant A' },
        { id: '22222222-2222-2222-2222-222222222222', name: 'Test Tenant B' },
      ],
      table: 'projects',
      row: {
        id: 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa',
        name: 'Project A',
        tenant_id: '11111111-1111-1111-1111-111111111111',
      },
    },
  },
  foreignKeys: {
    minimumCount: 15,
    critical: [
      { table: 'users', constraint: 'users_tenant_id_fkey', onDelete: 'CASCADE' },
      { table: 'projects', constraint: 'projects_tenant_id_fkey', onDelete: 'CASCADE' },
      { table: 'documents', constraint: 'documents_project_id_fkey', onDelete: 'CASCADE' },
      { table: 'clauses', constraint: 'clauses_document_id_fkey', onDelete: 'CASCADE' },
      { table: 'alerts', constraint: 'alerts_analysis_id_fkey', onDelete: 'CASCADE' },
    ],
    acceptedNotValid: [],
    // CE-24 task 4, with the plan's ids: deleting the tenant removes its project.
    cascadeScenario: {
      parent: {
        table: 'tenants',
        row: { id: 'ffffffff-ffff-ffff-ffff-ffffffffffff', name: 'Test Cascade Tenant' },
      },
      child: {
        table: 'projects',
        row: {
          id: 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee',
          name: 'Test Cascade Project',
          tenant_id: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
        },
      },
    },
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
    auditColumns: {
      tenant: 'tenant_id',
      actor: 'actor_id',
      actorRole: 'actor_role',
      table: 'table_name',
      record: 'record_id',
      action: 'action',
    },
    auditActorSetting: 'app.current_user_id',
    timestampColumns: { created: 'created_at', updated: 'updated_at' },
    insertProbeTables: ['clauses'],
    // CE-25 task 2: analysis → alert → clause.
    linkages: [
      {
        table: 'alerts',
        column: 'analysis_id',
        references: { table: 'analyses', column: 'id' },
        required: true,
      },
      {
        table: 'alerts',
        column: 'source_clause_id',
        references: { table: 'clauses', column: 'id' },
        required: false,
      },
    ],
  },
  // The reference schema's own hand-written factories; other schemas get catalog-synthesised fixtures.
  fixtures: { seed: 20260108, tenants: 4, factories: './fixtures/reference-factories.ts' },
  // CE-26 task 2, the plan's three queries with its budgets; each also runs as the owner for the RLS overhead.
  performance: {
    queries: [
      {
        name: 'projects-of-tenant',
        sql: 'SELECT * FROM projects WHERE tenant_id = $1',
        params: ['tenant'],
        budgetMs: 10,
      },
      {
        name: 'document-with-clauses',
        sql: 'SELECT d.*, c.clause_number, c.content FROM documents d LEFT JOIN clauses c ON c.document_id = d.id WHERE d.id = $1',
        params: [
          {
            sql: 'SELECT document_id FROM clauses WHERE tenant_id = $1 GROUP BY document_id ORDER BY count(*) DESC, document_id LIMIT 1',
          },
        ],
        budgetMs: 50,
      },
      {
        name: 'analysis-with-alerts',
        sql: 'SELECT a.*, al.severity, al.title FROM analyses a LEFT JOIN alerts al ON al.analysis_id = a.id WHERE a.project_id = $1',
        params: [
          {
            sql: 'SELECT project_id FROM analyses WHERE tenant_id = $1 GROUP BY project_id ORDER BY count(*) DESC, project_id LIMIT 1',
          },
        ],
        budgetMs: 100,
      },
    ],
    maxRlsOverheadRatio: 2,
    volume: { tenants: 50, largestTableRows: 250_000 },
  },
  gates: {
    definitions: [
      { id: 'gate1', title: 'Environment validation', sections: ['CE-20'] },
      { id: 'gate2', title: 'Migration execution', sections: ['CE-21', 'CE-22'] },
      { id: 'gate3', title: 'Security and integrity verification', sections: ['CE-23', 'CE-24', 'CE-25'] },
      { id: 'gate4', title: 'Performance', sections: ['CE-26'] },
      { id: 'gate5', title: 'Rollback readiness', sections: ['CE-27'] },
    ],
    // Gate 4 (CE-26) is required: GO on the reference schema with volume, NO-GO on its sabotage cases.
    required: ['gate1', 'gate2', 'gate3', 'gate4', 'gate5'],
    mandatoryChecks: [
      'ce20.post-run.unchanged',
      'ce22.migrations.version',
      'ce23.rls.enabled-count',
      'ce24.fk.count',
    ],
  },
});
