-- 002_rls_policies (up)
--
-- Tenant isolation with row-level security.
--
-- The application never connects as the table owner. It runs as `c2pro_app`
-- (directly, or via `SET LOCAL ROLE c2pro_app` from an admin connection) and states
-- its tenant per transaction with
--     SELECT set_config('app.current_tenant', '<tenant uuid>', true);
-- Every policy compares the row's tenant key with that setting.
--
-- Why it fails closed:
--   * current_setting(..., true) returns NULL when the setting was never defined and
--     '' when it was defined and then reset (RESET / end of a SET LOCAL); nullif turns
--     both into NULL, and `tenant_id = NULL` is never true: no rows are visible and
--     no row passes WITH CHECK.
--   * a value that is not a uuid raises an error instead of matching anything.
--   * policies apply TO c2pro_app only: any other non-owner role that is ever granted
--     access sees nothing (no applicable policy = default deny).
--   * FORCE ROW LEVEL SECURITY makes the policies bind the table owner too, except
--     superusers and BYPASSRLS roles (which is why c2pro_app must be neither).

-- ---------------------------------------------------------------------------
-- Application role
-- ---------------------------------------------------------------------------

-- Roles are cluster-wide: another database on the same server may already have
-- created c2pro_app (with this schema), so create it only when missing.
-- An existing role that is superuser or BYPASSRLS would silently void every policy
-- below; refuse to continue rather than report isolation that does not exist.
DO $$
DECLARE
    existing record;
BEGIN
    SELECT rolsuper, rolbypassrls INTO existing FROM pg_roles WHERE rolname = 'c2pro_app';
    IF NOT FOUND THEN
        CREATE ROLE c2pro_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS;
    ELSIF existing.rolsuper OR existing.rolbypassrls THEN
        RAISE EXCEPTION 'role c2pro_app already exists with SUPERUSER or BYPASSRLS, which bypasses row-level security'
            USING HINT = 'ALTER ROLE c2pro_app NOSUPERUSER NOBYPASSRLS, then run the migration again.';
    END IF;
END
$$;

-- Explicit table list, not ALL TABLES IN SCHEMA: the migrator's own bookkeeping
-- tables (alembic_version, history) must stay out of the application's reach.
GRANT USAGE ON SCHEMA public TO c2pro_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    public.tenants, public.users, public.projects, public.documents, public.clauses,
    public.analyses, public.alerts, public.extractions, public.stakeholders,
    public.wbs_items, public.bom_items, public.stakeholder_wbs_raci,
    public.ai_usage_logs
    TO c2pro_app;
-- The audit trail is append-only for the application: it may read its tenant's
-- history and the audit trigger (005, running as the invoker) may add to it, but no
-- UPDATE, DELETE or TRUNCATE can rewrite or erase what was recorded.
GRANT SELECT, INSERT ON public.audit_logs TO c2pro_app;

-- ---------------------------------------------------------------------------
-- Enable and force RLS on all 14 tenant-scoped tables
-- ---------------------------------------------------------------------------

ALTER TABLE public.tenants              ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.users                ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.projects             ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.documents            ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.clauses              ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.analyses             ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.alerts               ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.extractions          ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.stakeholders         ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.wbs_items            ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.bom_items            ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.stakeholder_wbs_raci ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ai_usage_logs        ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.audit_logs           ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.tenants              FORCE ROW LEVEL SECURITY;
ALTER TABLE public.users                FORCE ROW LEVEL SECURITY;
ALTER TABLE public.projects             FORCE ROW LEVEL SECURITY;
ALTER TABLE public.documents            FORCE ROW LEVEL SECURITY;
ALTER TABLE public.clauses              FORCE ROW LEVEL SECURITY;
ALTER TABLE public.analyses             FORCE ROW LEVEL SECURITY;
ALTER TABLE public.alerts               FORCE ROW LEVEL SECURITY;
ALTER TABLE public.extractions          FORCE ROW LEVEL SECURITY;
ALTER TABLE public.stakeholders         FORCE ROW LEVEL SECURITY;
ALTER TABLE public.wbs_items            FORCE ROW LEVEL SECURITY;
ALTER TABLE public.bom_items            FORCE ROW LEVEL SECURITY;
ALTER TABLE public.stakeholder_wbs_raci FORCE ROW LEVEL SECURITY;
ALTER TABLE public.ai_usage_logs        FORCE ROW LEVEL SECURITY;
ALTER TABLE public.audit_logs           FORCE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- Policies: one FOR ALL policy per table; USING filters what is read, updated and
-- deleted, WITH CHECK rejects inserting or moving a row into another tenant.
-- ---------------------------------------------------------------------------

-- The tenant row itself is keyed on its primary key.
CREATE POLICY tenants_tenant_isolation ON public.tenants
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY users_tenant_isolation ON public.users
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY projects_tenant_isolation ON public.projects
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY documents_tenant_isolation ON public.documents
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY clauses_tenant_isolation ON public.clauses
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY analyses_tenant_isolation ON public.analyses
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY alerts_tenant_isolation ON public.alerts
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY extractions_tenant_isolation ON public.extractions
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY stakeholders_tenant_isolation ON public.stakeholders
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY wbs_items_tenant_isolation ON public.wbs_items
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY bom_items_tenant_isolation ON public.bom_items
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY stakeholder_wbs_raci_tenant_isolation ON public.stakeholder_wbs_raci
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE POLICY ai_usage_logs_tenant_isolation ON public.ai_usage_logs
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

-- The audit trigger of 005 runs as the invoking role, so the application's own
-- audit rows pass WITH CHECK because they carry the current tenant.
CREATE POLICY audit_logs_tenant_isolation ON public.audit_logs
    AS PERMISSIVE FOR ALL TO c2pro_app
    USING      (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
