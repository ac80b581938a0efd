-- Clean negative (ce24.fk.cross-tenant.documents_project_id_fkey): a plain project_id key, but a
-- trigger refuses a document whose project is in another tenant — for the owner too. The probe is
-- refused, so the check passes although the key leaves the tenant out.
ALTER TABLE documents DROP CONSTRAINT documents_project_id_fkey;
ALTER TABLE documents ADD CONSTRAINT documents_project_id_fkey
    FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;
CREATE INDEX idx_documents_project_id ON documents (project_id);
CREATE FUNCTION documents_project_same_tenant() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.projects p WHERE p.id = NEW.project_id AND p.tenant_id = NEW.tenant_id) THEN
        RAISE EXCEPTION 'project % is not in tenant %', NEW.project_id, NEW.tenant_id USING ERRCODE = '23503';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_project_same_tenant BEFORE INSERT OR UPDATE OF project_id, tenant_id ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_project_same_tenant();
