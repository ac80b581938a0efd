-- An extra permissive policy: permissive policies are OR-ed, so USING (true) opens every row
-- (and, with no WITH CHECK, accepts every written row too).
CREATE POLICY alerts_debug_access ON public.alerts AS PERMISSIVE FOR ALL TO c2pro_app USING (true);
