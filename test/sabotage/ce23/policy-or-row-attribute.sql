-- Archived projects "are public": an OR on a row attribute lets every tenant read every other
-- tenant's archived projects. Each branch looks harmless; only the OR of them is the hole.
DROP POLICY projects_tenant_isolation ON public.projects;
CREATE POLICY projects_tenant_isolation ON public.projects AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid OR status = 'archived')
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
