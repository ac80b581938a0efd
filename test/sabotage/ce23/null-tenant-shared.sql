-- A nullable tenant key whose policy treats rows without a tenant as "shared": every tenant reads
-- them, and every tenant's WHERE-less UPDATE / DELETE reaches them.
ALTER TABLE public.ai_usage_logs ALTER COLUMN tenant_id DROP NOT NULL;
DROP POLICY ai_usage_logs_tenant_isolation ON public.ai_usage_logs;
CREATE POLICY ai_usage_logs_tenant_isolation ON public.ai_usage_logs AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id IS NULL OR tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
