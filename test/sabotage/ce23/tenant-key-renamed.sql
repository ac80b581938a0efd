-- A migration renames the tenant key of a table gate.config.ts lists: the catalog no longer finds it
-- tenant-scoped. The gate must fail it by name instead of testing one table fewer.
ALTER TABLE public.ai_usage_logs RENAME COLUMN tenant_id TO organisation_id;
