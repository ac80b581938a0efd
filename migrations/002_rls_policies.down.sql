-- 002_rls_policies (down)
--
-- Exact inverse of 002 up: policies, FORCE, ENABLE, grants, and the role when no
-- other database still needs it. Table data is untouched.

DROP POLICY audit_logs_tenant_isolation           ON public.audit_logs;
DROP POLICY ai_usage_logs_tenant_isolation        ON public.ai_usage_logs;
DROP POLICY stakeholder_wbs_raci_tenant_isolation ON public.stakeholder_wbs_raci;
DROP POLICY bom_items_tenant_isolation            ON public.bom_items;
DROP POLICY wbs_items_tenant_isolation            ON public.wbs_items;
DROP POLICY stakeholders_tenant_isolation         ON public.stakeholders;
DROP POLICY extractions_tenant_isolation          ON public.extractions;
DROP POLICY alerts_tenant_isolation               ON public.alerts;
DROP POLICY analyses_tenant_isolation             ON public.analyses;
DROP POLICY clauses_tenant_isolation              ON public.clauses;
DROP POLICY documents_tenant_isolation            ON public.documents;
DROP POLICY projects_tenant_isolation             ON public.projects;
DROP POLICY users_tenant_isolation                ON public.users;
DROP POLICY tenants_tenant_isolation              ON public.tenants;

ALTER TABLE public.audit_logs           NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.ai_usage_logs        NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.stakeholder_wbs_raci NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.bom_items            NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.wbs_items            NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.stakeholders         NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.extractions          NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.alerts               NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.analyses             NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.clauses              NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.documents            NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.projects             NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.users                NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.tenants              NO FORCE ROW LEVEL SECURITY;

ALTER TABLE public.audit_logs           DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.ai_usage_logs        DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.stakeholder_wbs_raci DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.bom_items            DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.wbs_items            DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.stakeholders         DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.extractions          DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.alerts               DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.analyses             DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.clauses              DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.documents            DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.projects             DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.users                DISABLE ROW LEVEL SECURITY;
ALTER TABLE public.tenants              DISABLE ROW LEVEL SECURITY;

REVOKE SELECT, INSERT ON public.audit_logs FROM c2pro_app;
REVOKE SELECT, INSERT, UPDATE, DELETE ON
    public.tenants, public.users, public.projects, public.documents, public.clauses,
    public.analyses, public.alerts, public.extractions, public.stakeholders,
    public.wbs_items, public.bom_items, public.stakeholder_wbs_raci,
    public.ai_usage_logs
    FROM c2pro_app;
REVOKE USAGE ON SCHEMA public FROM c2pro_app;

-- The role is cluster-wide. Drop it only when nothing depends on it any more: if
-- another database on this server still grants it privileges, DROP ROLE fails with
-- dependent_objects_still_exist (2BP01) and the role is kept for that database.
-- Any other error (e.g. insufficient privilege) is not swallowed.
DO $$
BEGIN
    DROP ROLE IF EXISTS c2pro_app;
EXCEPTION
    WHEN dependent_objects_still_exist THEN
        RAISE NOTICE 'role c2pro_app is still used by another database; keeping it';
END
$$;
