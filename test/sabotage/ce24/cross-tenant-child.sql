-- Sabotage (ce24.fk.same-tenant.documents_project_id_fkey): the composite key is replaced by a
-- plain project_id key (with its index), and tenant B's document is attached to tenant A's project.
ALTER TABLE documents DROP CONSTRAINT documents_project_id_fkey;
ALTER TABLE documents ADD CONSTRAINT documents_project_id_fkey
    FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;
CREATE INDEX idx_documents_project_id ON documents (project_id);
INSERT INTO tenants (id, name) VALUES
    ('5ab07a9e-0000-4000-8000-00000000000a', 'Tenant A'),
    ('5ab07a9e-0000-4000-8000-00000000000b', 'Tenant B');
INSERT INTO projects (id, tenant_id, name)
VALUES ('5ab07a9e-0000-4000-8000-0000000000a1', '5ab07a9e-0000-4000-8000-00000000000a', 'Project of A');
INSERT INTO documents (tenant_id, project_id, title, document_type, storage_path)
VALUES ('5ab07a9e-0000-4000-8000-00000000000b', '5ab07a9e-0000-4000-8000-0000000000a1',
        'Document of B on a project of A', 'contract', 'b/document.pdf');
