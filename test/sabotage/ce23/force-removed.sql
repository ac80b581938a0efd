-- FORCE removed: the table owner is no longer bound by the policies.
ALTER TABLE public.clauses NO FORCE ROW LEVEL SECURITY;
