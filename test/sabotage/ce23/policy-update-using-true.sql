-- A per-command UPDATE policy that scopes the new row (WITH CHECK) but not which rows it reaches
-- (USING true): a tenant can update, and so overwrite, every other tenant's rows into its own.
CREATE POLICY stakeholder_wbs_raci_bulk_update ON public.stakeholder_wbs_raci AS PERMISSIVE FOR UPDATE TO c2pro_app
    USING      (true)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
