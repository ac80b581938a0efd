-- 004_indexes_optimization (down)
--
-- Exact inverse of 004 up. Indexes hold no data of their own; no table is touched.

DROP INDEX public.idx_audit_logs_tenant_id_table_name_record_id;
DROP INDEX public.idx_ai_usage_logs_tenant_id_project_id;
DROP INDEX public.idx_ai_usage_logs_tenant_id_user_id;
DROP INDEX public.idx_stakeholder_wbs_raci_tenant_id_wbs_item_id;
DROP INDEX public.idx_bom_items_tenant_id_project_id_wbs_item_id;
DROP INDEX public.idx_wbs_items_tenant_id_project_id_parent_id;
DROP INDEX public.idx_stakeholders_tenant_id_project_id;
DROP INDEX public.idx_extractions_tenant_id_clause_id;
DROP INDEX public.idx_extractions_tenant_id_document_id;
DROP INDEX public.idx_alerts_analysis_id;
DROP INDEX public.idx_alerts_tenant_id_source_clause_id;
DROP INDEX public.idx_alerts_tenant_id_analysis_id;
DROP INDEX public.idx_analyses_project_id;
DROP INDEX public.idx_analyses_tenant_id_document_id;
DROP INDEX public.idx_analyses_tenant_id_project_id;
DROP INDEX public.idx_clauses_document_id;
DROP INDEX public.idx_clauses_tenant_id_document_id;
DROP INDEX public.idx_documents_tenant_id_uploaded_by;
DROP INDEX public.idx_documents_tenant_id_project_id;
DROP INDEX public.idx_projects_tenant_id_created_by;
