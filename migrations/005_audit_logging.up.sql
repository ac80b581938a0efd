-- 005_audit_logging (up)
--
-- Row-level audit trail for the business tables the plan names:
-- projects, documents, clauses, analyses, alerts.
--
-- Each INSERT / UPDATE / DELETE writes one row into audit_logs with the row before
-- (old_data) and after (new_data) the change, who did it and in which tenant.
--
-- Why SECURITY INVOKER (the default), not SECURITY DEFINER:
--   the insert into audit_logs runs as the role that made the change, under that
--   role's row-level security. For the application role the audit row carries the
--   changed row's tenant_id, which is the current tenant, so it passes the
--   audit_logs WITH CHECK policy; a definer function would run as the owner and
--   could be abused to write audit rows for any tenant.
--   actor_role = current_user therefore records the real role ('c2pro_app' under
--   SET LOCAL ROLE); actor_id comes from the application's per-transaction setting
--   app.current_user_id (NULL when unset or empty: a system change).
--
-- Why the "tenant still exists" guard:
--   deleting a tenant cascades into every audited table, and these AFTER triggers
--   fire after the tenant row (and, through audit_logs_tenant_id_fkey, its audit
--   history) is already gone. Writing an audit row for it would violate
--   audit_logs_tenant_id_fkey and make tenant deletion impossible. When the row's
--   tenant no longer exists the change is part of that tenant's deletion, whose
--   audit trail is being erased with it, so nothing is recorded. The lookup sees the
--   deletion because AFTER triggers run after the deleting statement's changes are
--   visible. Under RLS the application sees its own tenant row, the only one its
--   changes can belong to.
--
-- All names are schema-qualified: the function does not depend on search_path.

CREATE FUNCTION public.audit_row_change() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY INVOKER
AS $$
DECLARE
    changed_row record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed_row := OLD;
    ELSE
        changed_row := NEW;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = changed_row.tenant_id) THEN
        RETURN NULL;
    END IF;

    INSERT INTO public.audit_logs
        (tenant_id, actor_id, actor_role, table_name, record_id, action, old_data, new_data)
    VALUES (
        changed_row.tenant_id,
        nullif(current_setting('app.current_user_id', true), '')::uuid,
        current_user,
        TG_TABLE_NAME,
        changed_row.id,
        TG_OP,
        CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END,
        CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END
    );
    RETURN NULL;  -- AFTER trigger: the return value is ignored
END;
$$;

CREATE TRIGGER projects_audit_row_change
    AFTER INSERT OR UPDATE OR DELETE ON public.projects
    FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();
CREATE TRIGGER documents_audit_row_change
    AFTER INSERT OR UPDATE OR DELETE ON public.documents
    FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();
CREATE TRIGGER clauses_audit_row_change
    AFTER INSERT OR UPDATE OR DELETE ON public.clauses
    FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();
CREATE TRIGGER analyses_audit_row_change
    AFTER INSERT OR UPDATE OR DELETE ON public.analyses
    FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();
CREATE TRIGGER alerts_audit_row_change
    AFTER INSERT OR UPDATE OR DELETE ON public.alerts
    FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();
