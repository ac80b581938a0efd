-- A child isolated through its parent with a correct policy, and four ways around it: a view that
-- runs with its owner's rights, a SECURITY DEFINER function returning its rows, TRUNCATE, and no
-- FORCE (the owner is not bound; the reference requires FORCE of every tenant table).
CREATE TABLE public.analysis_notes (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    analysis_id uuid NOT NULL REFERENCES public.analyses (id) ON DELETE CASCADE,
    body        text NOT NULL
);
CREATE INDEX analysis_notes_analysis_id_idx ON public.analysis_notes (analysis_id);
ALTER TABLE public.analysis_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY analysis_notes_through_analysis ON public.analysis_notes TO c2pro_app
    USING (EXISTS (SELECT 1 FROM public.analyses a WHERE a.id = analysis_id))
    WITH CHECK (EXISTS (SELECT 1 FROM public.analyses a WHERE a.id = analysis_id));
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.analysis_notes TO c2pro_app;

CREATE VIEW public.analysis_note_feed AS SELECT id, analysis_id, body FROM public.analysis_notes;
GRANT SELECT ON public.analysis_note_feed TO c2pro_app;

CREATE FUNCTION public.notes_of_analysis(p_analysis uuid) RETURNS SETOF public.analysis_notes
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$ SELECT * FROM public.analysis_notes WHERE analysis_id = p_analysis $$;
GRANT EXECUTE ON FUNCTION public.notes_of_analysis(uuid) TO c2pro_app;
