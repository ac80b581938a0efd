-- Clean negative: the same function, wrapped as a scalar subquery. PostgreSQL runs it once per query
-- (an InitPlan) and uses its result as an index condition: CE-26 must stay passing.
CREATE FUNCTION public.current_tenant_volatile() RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN nullif(current_setting('app.current_tenant', true), '')::uuid;
END
$$;
ALTER POLICY alerts_tenant_isolation ON public.alerts
    USING (tenant_id = (SELECT public.current_tenant_volatile()))
    WITH CHECK (tenant_id = (SELECT public.current_tenant_volatile()));
