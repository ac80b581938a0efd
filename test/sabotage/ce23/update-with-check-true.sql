-- An UPDATE policy whose WITH CHECK accepts any new row: permissive policies are OR-ed, so a row of
-- tenant A may be moved to tenant B (here only the composite foreign key still stops it).
CREATE POLICY wbs_items_reassign ON public.wbs_items AS PERMISSIVE FOR UPDATE TO c2pro_app
    USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (true);
