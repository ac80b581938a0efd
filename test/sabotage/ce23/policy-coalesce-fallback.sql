-- A fallback that reads as "the current tenant, else the row's own": without a tenant the
-- comparison is tenant_id = tenant_id, true for every row of every tenant.
DROP POLICY clauses_tenant_isolation ON public.clauses;
CREATE POLICY clauses_tenant_isolation ON public.clauses AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = coalesce(nullif(current_setting('app.current_tenant', true), '')::uuid, tenant_id))
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
