-- 004_indexes_optimization (up)
--
-- 1. An index behind every foreign key.
--    PostgreSQL indexes the referenced side (primary keys / uniques) but never the
--    referencing side. Without an index there, every delete of a parent (and every
--    cascade, SET NULL or RESTRICT check) scans the whole child table while holding
--    locks. Each index below leads with exactly the FK's columns, in the FK's order,
--    so the `WHERE tenant_id = $1 AND <parent>_id = $2` lookups of the referential
--    actions are index scans.
--
--    Foreign keys already covered by a unique index from 001/003, so no extra index:
--      users_tenant_id_fkey             (tenant_id)              users_tenant_id_email_key
--      projects_tenant_id_fkey          (tenant_id)              projects_tenant_id_code_key
--      documents/clauses/analyses/stakeholders/wbs_items _tenant_id_fkey
--                                       (tenant_id)              <table>_tenant_id_id_key
--      wbs_items_project_id_fkey        (tenant_id, project_id)  wbs_items_tenant_id_project_id_code_key
--      stakeholder_wbs_raci_tenant_id_fkey, stakeholder_wbs_raci_stakeholder_id_fkey
--                                       (tenant_id[, stakeholder_id])
--                                                                stakeholder_wbs_raci_assignment_key
--    The remaining tenant_id foreign keys (alerts, extractions, bom_items,
--    ai_usage_logs, audit_logs) are covered by the leading tenant_id of an index below.
--
-- 2. Query indexes for the plan's CE-26 benchmark queries, which join on the bare
--    parent id (no tenant_id predicate when run as the owner), so an index leading
--    with tenant_id cannot serve them:
--      Test 2: clauses  c  ON c.document_id = d.id        -> idx_clauses_document_id
--      Test 3: analyses a  WHERE a.project_id = ...        -> idx_analyses_project_id
--              alerts   al ON al.analysis_id = a.id        -> idx_alerts_analysis_id
--    Test 1 (projects WHERE tenant_id = ...) is served by projects_tenant_id_code_key /
--    projects_tenant_id_id_key; a separate (tenant_id) index would only duplicate them.
--
-- Plain CREATE INDEX (not CONCURRENTLY): the migrator runs this file in one
-- transaction. On a large production table, build the index concurrently ahead of
-- the migration under the same name and make this file a no-op there.

-- projects
CREATE INDEX idx_projects_tenant_id_created_by ON public.projects (tenant_id, created_by);

-- documents
CREATE INDEX idx_documents_tenant_id_project_id  ON public.documents (tenant_id, project_id);
CREATE INDEX idx_documents_tenant_id_uploaded_by ON public.documents (tenant_id, uploaded_by);

-- clauses
CREATE INDEX idx_clauses_tenant_id_document_id ON public.clauses (tenant_id, document_id);
CREATE INDEX idx_clauses_document_id           ON public.clauses (document_id);            -- CE-26 test 2

-- analyses
CREATE INDEX idx_analyses_tenant_id_project_id  ON public.analyses (tenant_id, project_id);
CREATE INDEX idx_analyses_tenant_id_document_id ON public.analyses (tenant_id, document_id);
CREATE INDEX idx_analyses_project_id            ON public.analyses (project_id);           -- CE-26 test 3

-- alerts
CREATE INDEX idx_alerts_tenant_id_analysis_id      ON public.alerts (tenant_id, analysis_id);
CREATE INDEX idx_alerts_tenant_id_source_clause_id ON public.alerts (tenant_id, source_clause_id);
CREATE INDEX idx_alerts_analysis_id                ON public.alerts (analysis_id);         -- CE-26 test 3

-- extractions
CREATE INDEX idx_extractions_tenant_id_document_id ON public.extractions (tenant_id, document_id);
CREATE INDEX idx_extractions_tenant_id_clause_id   ON public.extractions (tenant_id, clause_id);

-- stakeholders
CREATE INDEX idx_stakeholders_tenant_id_project_id ON public.stakeholders (tenant_id, project_id);

-- wbs_items: parent lookups (subtree cascade) stay inside one project.
CREATE INDEX idx_wbs_items_tenant_id_project_id_parent_id
    ON public.wbs_items (tenant_id, project_id, parent_id);

-- bom_items: one index serves both bom_items_project_id_fkey (tenant_id, project_id)
-- and bom_items_wbs_item_id_fkey (tenant_id, project_id, wbs_item_id).
CREATE INDEX idx_bom_items_tenant_id_project_id_wbs_item_id
    ON public.bom_items (tenant_id, project_id, wbs_item_id);

-- stakeholder_wbs_raci: the stakeholder side is covered by the table's unique key.
CREATE INDEX idx_stakeholder_wbs_raci_tenant_id_wbs_item_id
    ON public.stakeholder_wbs_raci (tenant_id, wbs_item_id);

-- ai_usage_logs
CREATE INDEX idx_ai_usage_logs_tenant_id_user_id    ON public.ai_usage_logs (tenant_id, user_id);
CREATE INDEX idx_ai_usage_logs_tenant_id_project_id ON public.ai_usage_logs (tenant_id, project_id);

-- audit_logs: "history of this record" within a tenant; also covers audit_logs_tenant_id_fkey.
CREATE INDEX idx_audit_logs_tenant_id_table_name_record_id
    ON public.audit_logs (tenant_id, table_name, record_id);
