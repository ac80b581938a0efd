-- A child isolated through its parent whose policy forgot the parent: USING (true) WITH CHECK (true).
-- Every tenant reads and writes every tenant's comments.
CREATE TABLE public.document_notes (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    document_id uuid NOT NULL REFERENCES public.documents (id) ON DELETE CASCADE,
    body        text NOT NULL
);
CREATE INDEX document_notes_document_id_idx ON public.document_notes (document_id);
ALTER TABLE public.document_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.document_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY document_notes_open ON public.document_notes TO c2pro_app USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.document_notes TO c2pro_app;
