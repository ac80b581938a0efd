-- Clean negative (ce23.rls.extractions.*): the application may only read extractions. Its writes are
-- refused by privilege, which the own-tenant control and the other-tenant probes now expect, so the
-- CE-23 checks stay green: a table the application cannot write is not a leak.
REVOKE INSERT, UPDATE, DELETE ON public.extractions FROM c2pro_app;
