-- A correct schema with narrower grants than the reference (clean negative, not a sabotage):
-- tenants are provisioned by an administrator, the audit trail is written by its trigger only,
-- projects may only be renamed, and a global lookup table without a tenant key hangs off projects.
REVOKE INSERT ON public.tenants FROM c2pro_app;
REVOKE SELECT ON public.audit_logs FROM c2pro_app;
REVOKE UPDATE ON public.projects FROM c2pro_app;
GRANT UPDATE (name) ON public.projects TO c2pro_app;

CREATE TABLE public.countries (code text PRIMARY KEY, name text NOT NULL);
GRANT SELECT ON public.countries TO c2pro_app;
ALTER TABLE public.projects ADD COLUMN country_code text REFERENCES public.countries (code);
CREATE INDEX projects_country_code_idx ON public.projects (country_code);
