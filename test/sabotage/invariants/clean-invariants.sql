-- Clean negative for both invariants, written another way than the reference schema:
-- a tenant table whose only tenant-led index is its composite primary key, and a view that reads
-- documents with the caller's rights (security_invoker), so RLS still applies through it.
CREATE TABLE public.document_tags (
  tenant_id uuid NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  tag text NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE VIEW public.document_titles WITH (security_invoker = true) AS
  SELECT id, tenant_id, title FROM public.documents;
GRANT SELECT ON public.document_titles TO c2pro_app;
