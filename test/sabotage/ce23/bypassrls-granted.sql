-- BYPASSRLS on the application role voids every policy. Roles are cluster-wide: applied only on a
-- server of its own (see rls-role-sabotage.test.ts).
ALTER ROLE c2pro_app BYPASSRLS;
