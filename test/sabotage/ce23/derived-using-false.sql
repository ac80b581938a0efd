-- A child isolated through its parent whose policy hides every row, the tenant's own included: the
-- isolation probes pass vacuously, so the control (tenant A sees its own rows) must fail.
CREATE TABLE public.extraction_notes (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    extraction_id uuid NOT NULL REFERENCES public.extractions (id) ON DELETE CASCADE,
    body          text NOT NULL
);
CREATE INDEX extraction_notes_extraction_id_idx ON public.extraction_notes (extraction_id);
ALTER TABLE public.extraction_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.extraction_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY extraction_notes_none ON public.extraction_notes TO c2pro_app USING (false);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.extraction_notes TO c2pro_app;
