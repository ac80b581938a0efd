-- Sabotage (ce24.fk.delete-behaviour.documents_project_id_fkey): the catalog still says ON DELETE
-- CASCADE, but a BEFORE DELETE trigger silently skips deleting documents, so a project delete
-- leaves its documents behind, pointing at nothing.
CREATE FUNCTION public.keep_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NULL;
END;
$$;
CREATE TRIGGER documents_keep BEFORE DELETE ON public.documents
    FOR EACH ROW EXECUTE FUNCTION public.keep_documents();
