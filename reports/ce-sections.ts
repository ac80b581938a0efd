/** What each CE section of the plan verifies, as its report's "What was checked" says it. */
import type { CeSection } from '../helpers/config/gate-config.ts';

export interface CeSectionInfo {
  readonly title: string;
  readonly checked: string;
}

export const CE_SECTION_INFO: Readonly<Record<CeSection, CeSectionInfo>> = {
  'CE-20': {
    title: 'Pre-Migration Environment Validation',
    checked:
      'The database accepts connections, its current schema version is known, a pre-migration backup exists and restores, and the current state (tables, policies, foreign keys, row counts) is recorded.',
  },
  'CE-21': {
    title: 'Migration Script Preparation & Validation',
    checked:
      'Every migration file parses as PostgreSQL, the migrations form an ordered chain without gaps or cycles, and each one dry-runs (executed inside a transaction that is rolled back) without errors.',
  },
  'CE-22': {
    title: 'Migration Execution',
    checked:
      'The migrations apply one transaction each under an advisory lock, the schema version reaches the expected version, and every expected table exists afterwards.',
  },
  'CE-23': {
    title: 'RLS Policy Verification',
    checked:
      'Every tenant-scoped table has row level security enabled and forced and at least one policy; acting as the application role with the tenant setting, rows of the own tenant are visible and writable while SELECT, INSERT, UPDATE and DELETE against another tenant, or without a tenant, are refused or touch no rows.',
  },
  'CE-24': {
    title: 'Foreign Key Constraint Verification',
    checked:
      'The expected foreign keys exist and are validated, their count reaches the configured minimum, no child row is orphaned, cascade behaviour matches its definition, and every foreign-key column is indexed.',
  },
  'CE-25': {
    title: 'Data Integrity Smoke Tests',
    checked:
      'Table structures match the expected columns and types, test data inserts succeed, every alert links to a valid analysis, no tenant key is NULL, no timestamp lies in the future, and audited writes reach the audit trail.',
  },
  'CE-26': {
    title: 'Performance Benchmarks',
    checked:
      'Indexes are used, the plan queries use the expected plan shapes and run within their budgets (with buffer counts beside timings), there is no regression beyond tolerance against the baseline, and no connection leaks.',
  },
  'CE-27': {
    title: 'Rollback Procedure Testing',
    checked:
      'On a clone, the down migrations return the database to the previous version, the up migrations re-apply, and the data present before the cycle is still there afterwards (row counts and checksums).',
  },
};
