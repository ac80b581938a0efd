-- "No tenant set means a maintenance job": IS NULL OR opens every row to a connection that forgot
-- set_config. An empty setting still matches nothing, so only a never-set connection shows it.
DROP POLICY bom_items_tenant_isolation ON public.bom_items;
CREATE POLICY bom_items_tenant_isolation ON public.bom_items AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (current_setting('app.current_tenant', true) IS NULL OR tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
