-- A per-command DELETE policy that checks nothing. Permissive policies are OR-ed, so as any tenant (or
-- none) a plain `DELETE FROM projects` reaches every tenant's projects. A probe that filters with
-- `WHERE tenant_id = …` reads a column, which brings the SELECT policy in and hides this one.
CREATE POLICY projects_purge ON public.projects AS PERMISSIVE FOR DELETE TO c2pro_app USING (true);
