-- 001_initial_schema (down)
--
-- Removes everything 001 created, returning the database to an empty schema.
-- This necessarily drops all C2Pro data: take a backup first (CE-20).
-- No CASCADE and no IF EXISTS: if something unexpected depends on these tables
-- (a view, a foreign key added outside the migrations) the rollback stops and
-- says so instead of silently dropping it. Dropping a table drops its triggers.

DROP TABLE public.audit_logs;
DROP TABLE public.ai_usage_logs;
DROP TABLE public.stakeholder_wbs_raci;
DROP TABLE public.bom_items;
DROP TABLE public.wbs_items;
DROP TABLE public.stakeholders;
DROP TABLE public.extractions;
DROP TABLE public.alerts;
DROP TABLE public.analyses;
DROP TABLE public.clauses;
DROP TABLE public.documents;
DROP TABLE public.projects;
DROP TABLE public.users;
DROP TABLE public.tenants;

DROP FUNCTION public.touch_updated_at();
