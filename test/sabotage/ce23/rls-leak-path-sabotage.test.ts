import { describeCe23Batch } from './ce23-sabotage-case.ts';

// A view over documents, a function over projects, a materialized view over clauses, the owner of
// bom_items: four tables, four different checks, so one gate run judges all four. Each `mayAlsoFail`
// is one check (or the one table's) that no other case touches.
describeCe23Batch('sabotage: paths around RLS (CE-23)', [
  {
    name: 'a plain view over documents granted to the app role fails ce23.rls.documents.views-security-invoker',
    sql: 'plain-view.sql',
    mustFail: ['ce23.rls.documents.views-security-invoker'],
  },
  {
    name: 'a SECURITY DEFINER function returning all projects fails ce23.rls.projects.security-definer-functions',
    sql: 'security-definer-function.sql',
    mustFail: ['ce23.rls.projects.security-definer-functions'],
    // It pins no search_path either (ce23-privileges).
    mayAlsoFail: ['ce23.privileges.security-definer-search-path'],
  },
  {
    name: 'a materialized view over clauses readable by the app role fails ce23.rls.clauses.materialized-views',
    sql: 'materialized-view.sql',
    mustFail: ['ce23.rls.clauses.materialized-views'],
  },
  {
    name: 'the app role owning bom_items fails ce23.rls.app-role.owns-no-tenant-table',
    sql: 'app-role-owns-table.sql',
    mustFail: ['ce23.rls.app-role.owns-no-tenant-table'],
    // As the owner it holds TRUNCATE, TRIGGER and REFERENCES too (ce23-privileges).
    mayAlsoFail: ['ce23.privileges.bom_items.outside-rls'],
  },
]);
