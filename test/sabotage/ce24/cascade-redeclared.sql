-- Sabotage (ce24.fk.critical.documents_project_id_fkey): a later migration re-creates the key with
-- ON DELETE RESTRICT instead of the CASCADE the plan expects.
ALTER TABLE documents DROP CONSTRAINT documents_project_id_fkey;
ALTER TABLE documents ADD CONSTRAINT documents_project_id_fkey
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE RESTRICT;
