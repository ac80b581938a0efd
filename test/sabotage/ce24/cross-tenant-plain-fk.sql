-- Sabotage (ce24.fk.cross-tenant.documents_project_id_fkey): the composite key is replaced by a plain
-- project_id key (with its index). The data stays clean — no row crosses tenants yet — but nothing
-- stops tenant A from attaching a document to tenant B's project: the probe shows it.
ALTER TABLE documents DROP CONSTRAINT documents_project_id_fkey;
ALTER TABLE documents ADD CONSTRAINT documents_project_id_fkey
    FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;
CREATE INDEX idx_documents_project_id ON documents (project_id);
