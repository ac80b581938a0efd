-- Clean negative: a permissive USING (true) policy under a RESTRICTIVE floor keyed on the tenant.
-- Restrictive policies are AND-ed onto the permissive ones, so rows still stay in their tenant.
CREATE POLICY alerts_debug_access ON public.alerts AS PERMISSIVE FOR ALL TO c2pro_app USING (true);
CREATE POLICY alerts_tenant_floor ON public.alerts AS RESTRICTIVE FOR ALL TO c2pro_app
    USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
