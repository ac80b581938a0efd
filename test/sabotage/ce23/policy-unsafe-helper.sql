-- A PL/pgSQL helper that looks like current_tenant() but returns another setting, one the
-- application sets from a request header: the policy compares the tenant key with it.
CREATE FUNCTION public.request_tenant() RETURNS uuid LANGUAGE plpgsql STABLE AS $$
BEGIN
    -- the header the proxy forwards; not the tenant the application authenticated
    RETURN nullif(current_setting('app.requested_tenant', true), '')::uuid;
END
$$;
DROP POLICY ai_usage_logs_tenant_isolation ON public.ai_usage_logs;
CREATE POLICY ai_usage_logs_tenant_isolation ON public.ai_usage_logs AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = public.request_tenant() OR tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
