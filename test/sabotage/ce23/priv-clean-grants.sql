-- Clean negative (ce23.privileges.*): privileges written another way that grant nothing outside RLS —
-- column-level UPDATE without the tenant key, SELECT through a member role, a default privilege for
-- an unrelated role, TRUNCATE for a role the application is not a member of. The test drops the roles.
CREATE ROLE mg_priv_clean_reader NOLOGIN;
CREATE ROLE mg_priv_clean_admin NOLOGIN;
GRANT mg_priv_clean_reader TO c2pro_app;
GRANT SELECT ON public.documents TO mg_priv_clean_reader;
GRANT TRUNCATE ON public.documents TO mg_priv_clean_admin;
REVOKE UPDATE ON public.stakeholders FROM c2pro_app;
GRANT UPDATE (name) ON public.stakeholders TO c2pro_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO mg_priv_clean_admin;
