-- 005_audit_logging (down)
--
-- Exact inverse of 005 up: stops auditing. The audit_logs table (001) and every
-- audit row already written are kept.

DROP TRIGGER alerts_audit_row_change   ON public.alerts;
DROP TRIGGER analyses_audit_row_change ON public.analyses;
DROP TRIGGER clauses_audit_row_change  ON public.clauses;
DROP TRIGGER documents_audit_row_change ON public.documents;
DROP TRIGGER projects_audit_row_change ON public.projects;

DROP FUNCTION public.audit_row_change();
