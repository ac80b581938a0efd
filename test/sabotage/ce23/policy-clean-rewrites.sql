-- Clean negatives: correct policies written other ways than 002's. The policy analysis (and every
-- other CE-23 check) must stay green on all of them.

-- (SELECT …) around the setting: evaluated once per statement (an InitPlan), same meaning.
DROP POLICY projects_tenant_isolation ON public.projects;
CREATE POLICY projects_tenant_isolation ON public.projects AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = (SELECT nullif(current_setting('app.current_tenant', true), ''))::uuid)
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.current_tenant', true), ''))::uuid);

-- A STABLE SQL helper that returns the setting.
CREATE FUNCTION public.current_tenant_id() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('app.current_tenant', true), '')::uuid
$$;
DROP POLICY documents_tenant_isolation ON public.documents;
CREATE POLICY documents_tenant_isolation ON public.documents AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = public.current_tenant_id())
    WITH CHECK (public.current_tenant_id() = tenant_id);

-- A STABLE PL/pgSQL helper, and a list of tenants from the setting.
CREATE FUNCTION public.current_tenant_ids() RETURNS uuid[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN string_to_array(nullif(current_setting('app.current_tenant', true), ''), ',')::uuid[];
END
$$;
DROP POLICY clauses_tenant_isolation ON public.clauses;
CREATE POLICY clauses_tenant_isolation ON public.clauses AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = ANY (string_to_array(nullif(current_setting('app.current_tenant', true), ''), ',')::uuid[]))
    WITH CHECK (tenant_id = ANY (public.current_tenant_ids()));

-- IN (…) of the setting.
DROP POLICY bom_items_tenant_isolation ON public.bom_items;
CREATE POLICY bom_items_tenant_isolation ON public.bom_items AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id IN (nullif(current_setting('app.current_tenant', true), '')::uuid))
    WITH CHECK (tenant_id IN (nullif(current_setting('app.current_tenant', true), '')::uuid));

-- A RESTRICTIVE floor under a permissive policy with a row-attribute branch: permissive policies are
-- OR-ed, restrictive ones AND-ed, so the effective predicate still requires the tenant.
CREATE POLICY alerts_tenant_floor ON public.alerts AS RESTRICTIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
DROP POLICY alerts_tenant_isolation ON public.alerts;
CREATE POLICY alerts_tenant_isolation ON public.alerts AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid OR severity = 'critical')
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
