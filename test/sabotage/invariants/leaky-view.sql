-- Sabotage (invariant.views.cross-tenant): a plain view over documents runs with its owner's rights,
-- bypassing RLS, and the application role may read it: every tenant sees every tenant's documents.
CREATE VIEW public.document_titles AS SELECT id, tenant_id, title FROM public.documents;
GRANT SELECT ON public.document_titles TO c2pro_app;
