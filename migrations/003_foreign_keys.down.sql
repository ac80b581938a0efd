-- 003_foreign_keys (down)
--
-- Exact inverse of 003 up: drops the 32 foreign keys, then the (tenant_id, id)
-- uniques they pointed at. No data is touched.

ALTER TABLE public.ai_usage_logs        DROP CONSTRAINT ai_usage_logs_project_id_fkey;
ALTER TABLE public.ai_usage_logs        DROP CONSTRAINT ai_usage_logs_user_id_fkey;
ALTER TABLE public.stakeholder_wbs_raci DROP CONSTRAINT stakeholder_wbs_raci_wbs_item_id_fkey;
ALTER TABLE public.stakeholder_wbs_raci DROP CONSTRAINT stakeholder_wbs_raci_stakeholder_id_fkey;
ALTER TABLE public.bom_items            DROP CONSTRAINT bom_items_wbs_item_id_fkey;
ALTER TABLE public.bom_items            DROP CONSTRAINT bom_items_project_id_fkey;
ALTER TABLE public.wbs_items            DROP CONSTRAINT wbs_items_parent_id_fkey;
ALTER TABLE public.wbs_items            DROP CONSTRAINT wbs_items_project_id_fkey;
ALTER TABLE public.stakeholders         DROP CONSTRAINT stakeholders_project_id_fkey;
ALTER TABLE public.extractions          DROP CONSTRAINT extractions_clause_id_fkey;
ALTER TABLE public.extractions          DROP CONSTRAINT extractions_document_id_fkey;
ALTER TABLE public.alerts               DROP CONSTRAINT alerts_source_clause_id_fkey;
ALTER TABLE public.alerts               DROP CONSTRAINT alerts_analysis_id_fkey;
ALTER TABLE public.analyses             DROP CONSTRAINT analyses_document_id_fkey;
ALTER TABLE public.analyses             DROP CONSTRAINT analyses_project_id_fkey;
ALTER TABLE public.clauses              DROP CONSTRAINT clauses_document_id_fkey;
ALTER TABLE public.documents            DROP CONSTRAINT documents_uploaded_by_fkey;
ALTER TABLE public.documents            DROP CONSTRAINT documents_project_id_fkey;
ALTER TABLE public.projects             DROP CONSTRAINT projects_created_by_fkey;

ALTER TABLE public.audit_logs           DROP CONSTRAINT audit_logs_tenant_id_fkey;
ALTER TABLE public.ai_usage_logs        DROP CONSTRAINT ai_usage_logs_tenant_id_fkey;
ALTER TABLE public.stakeholder_wbs_raci DROP CONSTRAINT stakeholder_wbs_raci_tenant_id_fkey;
ALTER TABLE public.bom_items            DROP CONSTRAINT bom_items_tenant_id_fkey;
ALTER TABLE public.wbs_items            DROP CONSTRAINT wbs_items_tenant_id_fkey;
ALTER TABLE public.stakeholders         DROP CONSTRAINT stakeholders_tenant_id_fkey;
ALTER TABLE public.extractions          DROP CONSTRAINT extractions_tenant_id_fkey;
ALTER TABLE public.alerts               DROP CONSTRAINT alerts_tenant_id_fkey;
ALTER TABLE public.analyses             DROP CONSTRAINT analyses_tenant_id_fkey;
ALTER TABLE public.clauses              DROP CONSTRAINT clauses_tenant_id_fkey;
ALTER TABLE public.documents            DROP CONSTRAINT documents_tenant_id_fkey;
ALTER TABLE public.projects             DROP CONSTRAINT projects_tenant_id_fkey;
ALTER TABLE public.users                DROP CONSTRAINT users_tenant_id_fkey;

ALTER TABLE public.wbs_items    DROP CONSTRAINT wbs_items_tenant_id_project_id_id_key;
ALTER TABLE public.wbs_items    DROP CONSTRAINT wbs_items_tenant_id_id_key;
ALTER TABLE public.stakeholders DROP CONSTRAINT stakeholders_tenant_id_id_key;
ALTER TABLE public.analyses     DROP CONSTRAINT analyses_tenant_id_id_key;
ALTER TABLE public.clauses      DROP CONSTRAINT clauses_tenant_id_id_key;
ALTER TABLE public.documents    DROP CONSTRAINT documents_tenant_id_id_key;
ALTER TABLE public.projects     DROP CONSTRAINT projects_tenant_id_id_key;
ALTER TABLE public.users        DROP CONSTRAINT users_tenant_id_id_key;
