-- Sabotage (ce24.fk.index.documents_project_id_fkey): the index behind the key is dropped, so
-- every project delete scans documents.
DROP INDEX idx_documents_tenant_id_project_id;
