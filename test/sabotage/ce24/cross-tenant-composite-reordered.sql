-- Clean negative (ce24.fk.*documents_project_id_fkey): the composite key written another way —
-- (project_id, tenant_id) → projects (id, tenant_id) — still pairs the tenant columns: enforced by
-- schema, nothing to probe, and the data scan stays clean.
ALTER TABLE projects ADD CONSTRAINT projects_id_tenant_id_key UNIQUE (id, tenant_id);
ALTER TABLE documents DROP CONSTRAINT documents_project_id_fkey;
ALTER TABLE documents ADD CONSTRAINT documents_project_id_fkey
    FOREIGN KEY (project_id, tenant_id) REFERENCES projects (id, tenant_id) ON DELETE CASCADE;
CREATE INDEX idx_documents_project_id_tenant_id ON documents (project_id, tenant_id);
