-- Sabotage (ce24.fk.validated, ce24.fk.orphans.documents_project_id_fkey): the key is dropped, a
-- document of a project that does not exist is written, and the key comes back NOT VALID over it.
ALTER TABLE documents DROP CONSTRAINT documents_project_id_fkey;
INSERT INTO tenants (id, name) VALUES ('5ab07a9e-0000-4000-8000-000000000001', 'Sabotage tenant');
INSERT INTO documents (tenant_id, project_id, title, document_type, storage_path)
VALUES ('5ab07a9e-0000-4000-8000-000000000001', '5ab07a9e-0000-4000-8000-00000000dead',
        'Document of a deleted project', 'contract', 'orphans/document.pdf');
ALTER TABLE documents ADD CONSTRAINT documents_project_id_fkey
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE NOT VALID;
