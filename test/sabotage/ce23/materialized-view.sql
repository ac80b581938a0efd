-- A materialized view stores rows with no RLS at all; granted to the application it leaks every tenant.
CREATE MATERIALIZED VIEW public.clause_counts AS
    SELECT tenant_id, document_id, count(*) AS clauses FROM public.clauses GROUP BY tenant_id, document_id;
GRANT SELECT ON public.clause_counts TO c2pro_app;
