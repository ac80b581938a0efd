-- Sabotage (ce23.privileges.projects.outside-rls): REFERENCES on projects through a role the
-- application is a member of (c2pro_app is NOINHERIT, but it can SET ROLE to it). A foreign key to
-- projects lets it probe which of other tenants' project ids exist. The role is dropped by the test.
CREATE ROLE mg_priv_sabotage_helper NOLOGIN;
GRANT mg_priv_sabotage_helper TO c2pro_app;
GRANT REFERENCES ON public.projects TO mg_priv_sabotage_helper;
