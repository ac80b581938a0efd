-- A convenience view without security_invoker: it reads documents as its owner (a superuser here),
-- so the application role sees every tenant's documents through it.
CREATE VIEW public.document_overview AS
    SELECT id, tenant_id, project_id, title FROM public.documents;
GRANT SELECT ON public.document_overview TO c2pro_app;
