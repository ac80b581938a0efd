-- Tasks belong to a workspace of the same tenant (composite key), deleted with it.
CREATE TABLE tasks (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL,
    title        text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT tasks_workspace_fkey FOREIGN KEY (tenant_id, workspace_id)
        REFERENCES workspaces (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX tasks_workspace_idx ON tasks (tenant_id, workspace_id);

GRANT SELECT, INSERT, DELETE ON tasks TO team_app;
GRANT UPDATE (title) ON tasks TO team_app;

ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_tenant ON tasks TO team_app
    USING (tenant_id = nullif(current_setting('team.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('team.tenant_id', true), '')::uuid);
