-- A small team schema for the pack test: workspaces of a tenant (uuid key, no tenants table).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'team_app') THEN
        CREATE ROLE team_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;

CREATE TABLE workspaces (
    tenant_id  uuid NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

GRANT SELECT, INSERT, DELETE ON workspaces TO team_app;
GRANT UPDATE (name) ON workspaces TO team_app;

ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;
CREATE POLICY workspaces_tenant ON workspaces TO team_app
    USING (tenant_id = nullif(current_setting('team.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('team.tenant_id', true), '')::uuid);
