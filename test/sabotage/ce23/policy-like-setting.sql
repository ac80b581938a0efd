-- A prefix match against the setting instead of equality: an empty setting is the pattern '%' and
-- matches every tenant; a short one matches every tenant whose id starts with it.
DROP POLICY extractions_tenant_isolation ON public.extractions;
CREATE POLICY extractions_tenant_isolation ON public.extractions AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id::text LIKE current_setting('app.current_tenant', true) || '%')
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
