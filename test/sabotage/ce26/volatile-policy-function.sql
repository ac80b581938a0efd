-- Sabotage (ce26.perf.rls-overhead.list.alerts): the alerts policy calls a VOLATILE function, which
-- PostgreSQL evaluates once per row and cannot turn into an index condition.
CREATE FUNCTION public.current_tenant_volatile() RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN nullif(current_setting('app.current_tenant', true), '')::uuid;
END
$$;
ALTER POLICY alerts_tenant_isolation ON public.alerts
    USING (tenant_id = public.current_tenant_volatile())
    WITH CHECK (tenant_id = public.current_tenant_volatile());
