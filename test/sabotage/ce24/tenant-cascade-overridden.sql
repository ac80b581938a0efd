-- Sabotage (ce24.fk.cascade-scenario, ce24.fk.delete-behaviour.projects_tenant_id_fkey): a rule
-- turns every project delete into nothing, so deleting a tenant leaves its projects behind.
CREATE RULE projects_never_deleted AS ON DELETE TO public.projects DO INSTEAD NOTHING;
