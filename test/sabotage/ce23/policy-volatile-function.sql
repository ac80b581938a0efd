-- A helper that returns the setting but is VOLATILE (the default of CREATE FUNCTION): evaluated
-- again for every row, never inlined, and free to return something else on the next row.
CREATE FUNCTION public.tenant_of_session() RETURNS uuid LANGUAGE sql AS $$
    SELECT nullif(current_setting('app.current_tenant', true), '')::uuid
$$;
DROP POLICY wbs_items_tenant_isolation ON public.wbs_items;
CREATE POLICY wbs_items_tenant_isolation ON public.wbs_items AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = public.tenant_of_session())
    WITH CHECK (tenant_id = public.tenant_of_session());
