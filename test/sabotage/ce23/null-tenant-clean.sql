-- Clean negative: a nullable tenant key under the reference policy (tenant_id = the setting). A row
-- without a tenant matches no tenant, so it is nobody's: the NULL-tenant probe must pass.
ALTER TABLE public.ai_usage_logs ALTER COLUMN tenant_id DROP NOT NULL;
