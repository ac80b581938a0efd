import { describe, test } from 'vitest';
import { runCe23Sabotage } from './ce23-sabotage-case.ts';

describe('sabotage: paths around RLS (CE-23)', () => {
  test('a plain view over documents granted to the app role fails ce23.rls.documents.views-security-invoker', async () => {
    await runCe23Sabotage({ sql: 'plain-view.sql', mustFail: ['ce23.rls.documents.views-security-invoker'] });
  });

  test('a SECURITY DEFINER function returning all projects fails ce23.rls.projects.security-definer-functions', async () => {
    await runCe23Sabotage({
      sql: 'security-definer-function.sql',
      mustFail: ['ce23.rls.projects.security-definer-functions'],
      // It pins no search_path either (ce23-privileges).
      mayAlsoFail: ['ce23.privileges.security-definer-search-path'],
    });
  });

  test('a materialized view over clauses readable by the app role fails ce23.rls.clauses.materialized-views', async () => {
    await runCe23Sabotage({
      sql: 'materialized-view.sql',
      mustFail: ['ce23.rls.clauses.materialized-views'],
    });
  });

  test('the app role owning bom_items fails ce23.rls.app-role.owns-no-tenant-table', async () => {
    await runCe23Sabotage({
      sql: 'app-role-owns-table.sql',
      mustFail: ['ce23.rls.app-role.owns-no-tenant-table'],
      // As the owner it holds TRUNCATE, TRIGGER and REFERENCES too (ce23-privileges).
      mayAlsoFail: ['ce23.privileges.bom_items.outside-rls'],
    });
  });
});
