-- Clean negative: two tables without tenant_id, isolated through their parents (one and two hops),
-- each written another way: an EXISTS on the parent, and an IN over the parent's keys. Must stay GO.
CREATE TABLE public.document_comments (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    document_id uuid        NOT NULL REFERENCES public.documents (id) ON DELETE CASCADE,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_comments_document_id_idx ON public.document_comments (document_id);
ALTER TABLE public.document_comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.document_comments FORCE ROW LEVEL SECURITY;
-- The parent's own policy hides other tenants' documents, so EXISTS sees only the tenant's.
CREATE POLICY document_comments_through_document ON public.document_comments
    TO c2pro_app
    USING (EXISTS (SELECT 1 FROM public.documents d WHERE d.id = document_id))
    WITH CHECK (EXISTS (SELECT 1 FROM public.documents d WHERE d.id = document_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON public.document_comments TO c2pro_app;

CREATE TABLE public.comment_reactions (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    comment_id uuid NOT NULL REFERENCES public.document_comments (id) ON DELETE CASCADE,
    emoji      text NOT NULL CHECK (length(emoji) BETWEEN 1 AND 8)
);
CREATE INDEX comment_reactions_comment_id_idx ON public.comment_reactions (comment_id);
ALTER TABLE public.comment_reactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.comment_reactions FORCE ROW LEVEL SECURITY;
CREATE POLICY comment_reactions_select ON public.comment_reactions FOR SELECT TO c2pro_app
    USING (comment_id IN (SELECT c.id FROM public.document_comments c));
CREATE POLICY comment_reactions_insert ON public.comment_reactions FOR INSERT TO c2pro_app
    WITH CHECK (comment_id IN (SELECT c.id FROM public.document_comments c));
CREATE POLICY comment_reactions_delete ON public.comment_reactions FOR DELETE TO c2pro_app
    USING (comment_id IN (SELECT c.id FROM public.document_comments c));
-- Append-only but deletable: no UPDATE granted.
GRANT SELECT, INSERT, DELETE ON public.comment_reactions TO c2pro_app;
