-- migrate:up
-- The application connects as acme_app and states its org per transaction:
--   SELECT set_config('app.org_id', '<org id>', true);
-- An unset or empty setting becomes NULL, and `org_id = NULL` is never true: no rows.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'acme_app') THEN
        CREATE ROLE acme_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO acme_app;
-- No table-level UPDATE: the org key columns are not updatable by the application at all.
GRANT SELECT, INSERT, DELETE ON orgs, members TO acme_app;
GRANT UPDATE (name) ON orgs TO acme_app;
GRANT UPDATE (email, role) ON members TO acme_app;
GRANT USAGE ON SEQUENCE orgs_id_seq, members_id_seq TO acme_app;

ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;
ALTER TABLE orgs FORCE ROW LEVEL SECURITY;
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
ALTER TABLE members FORCE ROW LEVEL SECURITY;

CREATE POLICY orgs_own_org ON orgs TO acme_app
    USING (id = nullif(current_setting('app.org_id', true), '')::integer)
    WITH CHECK (id = nullif(current_setting('app.org_id', true), '')::integer);

CREATE POLICY members_own_org ON members TO acme_app
    USING (org_id = nullif(current_setting('app.org_id', true), '')::integer)
    WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::integer);

-- migrate:down
DROP POLICY members_own_org ON members;
DROP POLICY orgs_own_org ON orgs;
ALTER TABLE members NO FORCE ROW LEVEL SECURITY;
ALTER TABLE members DISABLE ROW LEVEL SECURITY;
ALTER TABLE orgs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE orgs DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON SEQUENCE orgs_id_seq, members_id_seq FROM acme_app;
REVOKE ALL ON orgs, members FROM acme_app;
REVOKE ALL ON SCHEMA public FROM acme_app;
