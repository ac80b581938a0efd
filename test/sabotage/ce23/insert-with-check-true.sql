-- An INSERT policy that checks nothing: any tenant (or none) may insert rows for any tenant.
CREATE POLICY stakeholders_import ON public.stakeholders AS PERMISSIVE FOR INSERT TO c2pro_app WITH CHECK (true);
