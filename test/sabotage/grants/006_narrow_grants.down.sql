DROP INDEX public.projects_country_code_idx;
ALTER TABLE public.projects DROP COLUMN country_code;
DROP TABLE public.countries;
REVOKE UPDATE (name) ON public.projects FROM c2pro_app;
GRANT UPDATE ON public.projects TO c2pro_app;
GRANT SELECT ON public.audit_logs TO c2pro_app;
GRANT INSERT ON public.tenants TO c2pro_app;
