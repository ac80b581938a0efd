-- A per-command UPDATE policy that checks nothing (no WITH CHECK, so USING (true) checks the new row
-- too). Permissive policies are OR-ed: an UPDATE that reads no column (`SET status = 'failed'`, or the
-- probe's `SET tenant_id = <own tenant>`) reaches every tenant's analyses. A WHERE, or `SET c = c`,
-- reads a column, which brings the SELECT policy in and hides this one.
CREATE POLICY analyses_bulk_edit ON public.analyses AS PERMISSIVE FOR UPDATE TO c2pro_app USING (true);
