import { defineGateConfig } from '../../helpers/config/gate-config.ts';

/**
 * Example: a bigint tenant key in a schema of its own (`app`), the tenants table keyed GENERATED
 * ALWAYS AS IDENTITY and provisioned by an administrator (the application may only read and rename
 * its own), composite (account_id, id) keys and tenant-carrying foreign keys (one DEFERRABLE, one
 * ON DELETE SET NULL (column)), a hash-partitioned table with RLS on its parent only, column-level
 * UPDATE grants, enums, a domain, arrays, jsonb, a generated column, bounded numeric CHECKs and a
 * table without a primary key (a unique key over NOT NULL columns identifies its rows).
 * Nothing in helpers/ or suites/ knows it.
 */
export default defineGateConfig({
  schema: 'app',
  migrations: {
    directory: 'migrations',
    expectedVersion: '003',
    rollbackTarget: '002',
  },
  tenancy: {
    tenantKey: 'account_id',
    tenantTable: 'accounts',
    tenantSetting: 'app.account_id',
    appRole: 'ledger_app',
    tenantTables: ['accounts', 'users', 'projects', 'tasks', 'events', 'task_labels'],
  },
  foreignKeys: {
    minimumCount: 8,
    critical: [
      { table: 'users', constraint: 'users_account_id_fkey', onDelete: 'CASCADE' },
      { table: 'tasks', constraint: 'tasks_project_fkey', onDelete: 'CASCADE' },
      { table: 'tasks', constraint: 'tasks_assignee_fkey', onDelete: 'SET NULL' },
      { table: 'events', constraint: 'events_project_fkey', onDelete: 'CASCADE' },
      { table: 'task_labels', constraint: 'task_labels_task_fkey', onDelete: 'CASCADE' },
    ],
    acceptedNotValid: [],
  },
  integrity: {
    timestampColumns: { created: 'created_at' },
    insertProbeTables: ['tasks', 'events', 'task_labels'],
  },
  fixtures: { seed: 42, tenants: 3 },
  performance: {
    queries: [
      {
        name: 'tasks-of-project',
        sql: 'SELECT * FROM app.tasks WHERE account_id = $1 AND project_id = $2',
        params: ['tenant', { sql: 'SELECT id FROM app.projects WHERE account_id = $1 ORDER BY id LIMIT 1' }],
        budgetMs: 50,
      },
    ],
    volume: { tenants: 10, largestTableRows: 20_000 },
  },
});
