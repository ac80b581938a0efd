-- A child isolated through its parent by nothing at all: no row-level security, full grants.
CREATE TABLE public.clause_tags (
    id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clause_id uuid NOT NULL REFERENCES public.clauses (id) ON DELETE CASCADE,
    tag       text NOT NULL
);
CREATE INDEX clause_tags_clause_id_idx ON public.clause_tags (clause_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.clause_tags TO c2pro_app;
