-- 003_foreign_keys (up)
--
-- Referential integrity: 32 foreign keys, each with a deliberate ON DELETE rule.
--
-- Why composite (tenant_id, <parent>_id) foreign keys
-- ----------------------------------------------------
-- Foreign-key checks do NOT see row-level security: PostgreSQL runs them as the
-- table owner and ignores policies. A plain `project_id -> projects(id)` would let
-- the application, correctly scoped to tenant A, insert a document that points at
-- tenant B's project (the check finds B's row) - a cross-tenant link that RLS cannot
-- catch - and would let it probe whether B's ids exist. Referencing
-- `(tenant_id, project_id) -> projects (tenant_id, id)` makes the parent's tenant part
-- of the key, so a reference across tenants is impossible by schema, and the check
-- answers the same "no such row" for B's ids as for random ones.
-- That needs a UNIQUE (tenant_id, id) on every referenced parent (below). It is
-- redundant with the primary key as a rule, but it is what a FK must point at.
--
-- Why ON DELETE SET NULL (<column>)
-- ---------------------------------
-- On a composite FK a plain SET NULL would null tenant_id too, which is NOT NULL
-- (and the key RLS relies on). PG15's column list nulls only the optional reference.
--
-- ON DELETE choices
-- -----------------
--   CASCADE    ownership: the child is part of its parent (tenant -> everything,
--              project -> documents, document -> clauses, analysis -> alerts, ...).
--   SET NULL   optional provenance links: losing the clause/document/user must not
--              delete the alert/analysis/project that merely mentioned it.
--   RESTRICT   bom_items -> wbs_items: a WBS item that still carries bill-of-material
--              lines cannot be deleted (move or delete the lines first).
--   NO ACTION  ai_usage_logs -> projects: usage logs are billing records; a project
--              with usage cannot be deleted on its own (archive it instead).
--
-- Deleting a whole tenant still works with RESTRICT and NO ACTION in the graph:
-- referential actions run as AFTER triggers that PostgreSQL fires level by level
-- (all of the tenant's direct ON DELETE CASCADEs first, then the checks they queue),
-- and every table has its own tenant_id ... ON DELETE CASCADE, so all referencing
-- rows are already gone when the RESTRICT / NO ACTION checks run. This is verified
-- by deleting a fully populated tenant (see migrations/README.md).
--
-- Foreign keys are created NOT DEFERRABLE and VALID (validated against existing data:
-- if this migration fails on orphan rows, fix the data, do not add NOT VALID).

-- ---------------------------------------------------------------------------
-- Targets for the composite foreign keys
-- ---------------------------------------------------------------------------

ALTER TABLE public.users        ADD CONSTRAINT users_tenant_id_id_key        UNIQUE (tenant_id, id);
ALTER TABLE public.projects     ADD CONSTRAINT projects_tenant_id_id_key     UNIQUE (tenant_id, id);
ALTER TABLE public.documents    ADD CONSTRAINT documents_tenant_id_id_key    UNIQUE (tenant_id, id);
ALTER TABLE public.clauses      ADD CONSTRAINT clauses_tenant_id_id_key      UNIQUE (tenant_id, id);
ALTER TABLE public.analyses     ADD CONSTRAINT analyses_tenant_id_id_key     UNIQUE (tenant_id, id);
ALTER TABLE public.stakeholders ADD CONSTRAINT stakeholders_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE public.wbs_items    ADD CONSTRAINT wbs_items_tenant_id_id_key    UNIQUE (tenant_id, id);
-- WBS trees and BOM lines live inside one project, so wbs_items is referenced by
-- (tenant_id, project_id, id): a parent, or a BOM line's WBS item, from another
-- project of the same tenant is rejected too.
ALTER TABLE public.wbs_items    ADD CONSTRAINT wbs_items_tenant_id_project_id_id_key
    UNIQUE (tenant_id, project_id, id);

-- ---------------------------------------------------------------------------
-- tenant_id -> tenants(id) ON DELETE CASCADE, on all 13 tenant-scoped tables.
-- Deleting a tenant removes all of its data (offboarding / right to erasure).
-- ---------------------------------------------------------------------------

ALTER TABLE public.users ADD CONSTRAINT users_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.projects ADD CONSTRAINT projects_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.documents ADD CONSTRAINT documents_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.clauses ADD CONSTRAINT clauses_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.analyses ADD CONSTRAINT analyses_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.alerts ADD CONSTRAINT alerts_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.extractions ADD CONSTRAINT extractions_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.stakeholders ADD CONSTRAINT stakeholders_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.wbs_items ADD CONSTRAINT wbs_items_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.bom_items ADD CONSTRAINT bom_items_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.stakeholder_wbs_raci ADD CONSTRAINT stakeholder_wbs_raci_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
ALTER TABLE public.ai_usage_logs ADD CONSTRAINT ai_usage_logs_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;
-- Audit history is tenant data as well and goes with the tenant.
ALTER TABLE public.audit_logs ADD CONSTRAINT audit_logs_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE CASCADE;

-- ---------------------------------------------------------------------------
-- Parent/child references inside a tenant (composite, see header)
-- ---------------------------------------------------------------------------

-- projects: the creator may leave; the project stays, "created by" becomes unknown.
ALTER TABLE public.projects ADD CONSTRAINT projects_created_by_fkey
    FOREIGN KEY (tenant_id, created_by) REFERENCES public.users (tenant_id, id)
    ON DELETE SET NULL (created_by);

-- documents belong to a project.
ALTER TABLE public.documents ADD CONSTRAINT documents_project_id_fkey
    FOREIGN KEY (tenant_id, project_id) REFERENCES public.projects (tenant_id, id)
    ON DELETE CASCADE;
ALTER TABLE public.documents ADD CONSTRAINT documents_uploaded_by_fkey
    FOREIGN KEY (tenant_id, uploaded_by) REFERENCES public.users (tenant_id, id)
    ON DELETE SET NULL (uploaded_by);

-- clauses are parsed out of a document and mean nothing without it.
ALTER TABLE public.clauses ADD CONSTRAINT clauses_document_id_fkey
    FOREIGN KEY (tenant_id, document_id) REFERENCES public.documents (tenant_id, id)
    ON DELETE CASCADE;

-- analyses belong to a project; the analysed document is optional context whose
-- deletion keeps the analysis (and its alerts) as a historical result.
ALTER TABLE public.analyses ADD CONSTRAINT analyses_project_id_fkey
    FOREIGN KEY (tenant_id, project_id) REFERENCES public.projects (tenant_id, id)
    ON DELETE CASCADE;
ALTER TABLE public.analyses ADD CONSTRAINT analyses_document_id_fkey
    FOREIGN KEY (tenant_id, document_id) REFERENCES public.documents (tenant_id, id)
    ON DELETE SET NULL (document_id);

-- alerts are produced by an analysis; the clause that triggered one is optional.
ALTER TABLE public.alerts ADD CONSTRAINT alerts_analysis_id_fkey
    FOREIGN KEY (tenant_id, analysis_id) REFERENCES public.analyses (tenant_id, id)
    ON DELETE CASCADE;
ALTER TABLE public.alerts ADD CONSTRAINT alerts_source_clause_id_fkey
    FOREIGN KEY (tenant_id, source_clause_id) REFERENCES public.clauses (tenant_id, id)
    ON DELETE SET NULL (source_clause_id);

-- extractions come from a document; the clause they came from is optional.
ALTER TABLE public.extractions ADD CONSTRAINT extractions_document_id_fkey
    FOREIGN KEY (tenant_id, document_id) REFERENCES public.documents (tenant_id, id)
    ON DELETE CASCADE;
ALTER TABLE public.extractions ADD CONSTRAINT extractions_clause_id_fkey
    FOREIGN KEY (tenant_id, clause_id) REFERENCES public.clauses (tenant_id, id)
    ON DELETE SET NULL (clause_id);

-- stakeholders are per project.
ALTER TABLE public.stakeholders ADD CONSTRAINT stakeholders_project_id_fkey
    FOREIGN KEY (tenant_id, project_id) REFERENCES public.projects (tenant_id, id)
    ON DELETE CASCADE;

-- WBS: items belong to a project; deleting an item deletes its subtree.
ALTER TABLE public.wbs_items ADD CONSTRAINT wbs_items_project_id_fkey
    FOREIGN KEY (tenant_id, project_id) REFERENCES public.projects (tenant_id, id)
    ON DELETE CASCADE;
ALTER TABLE public.wbs_items ADD CONSTRAINT wbs_items_parent_id_fkey
    FOREIGN KEY (tenant_id, project_id, parent_id)
    REFERENCES public.wbs_items (tenant_id, project_id, id)
    ON DELETE CASCADE;

-- BOM lines belong to a project; their WBS item must not disappear under them.
ALTER TABLE public.bom_items ADD CONSTRAINT bom_items_project_id_fkey
    FOREIGN KEY (tenant_id, project_id) REFERENCES public.projects (tenant_id, id)
    ON DELETE CASCADE;
-- RESTRICT, not SET NULL: an unassigned BOM line silently drops out of cost roll-ups.
-- Deleting the whole project or tenant still works: their cascades remove the BOM
-- lines before this check runs (see header).
ALTER TABLE public.bom_items ADD CONSTRAINT bom_items_wbs_item_id_fkey
    FOREIGN KEY (tenant_id, project_id, wbs_item_id)
    REFERENCES public.wbs_items (tenant_id, project_id, id)
    ON DELETE RESTRICT;

-- RACI assignments exist only while both the stakeholder and the WBS item do.
ALTER TABLE public.stakeholder_wbs_raci ADD CONSTRAINT stakeholder_wbs_raci_stakeholder_id_fkey
    FOREIGN KEY (tenant_id, stakeholder_id) REFERENCES public.stakeholders (tenant_id, id)
    ON DELETE CASCADE;
ALTER TABLE public.stakeholder_wbs_raci ADD CONSTRAINT stakeholder_wbs_raci_wbs_item_id_fkey
    FOREIGN KEY (tenant_id, wbs_item_id) REFERENCES public.wbs_items (tenant_id, id)
    ON DELETE CASCADE;

-- AI usage: billing history survives the user leaving (SET NULL), but blocks
-- deleting a project that has usage (NO ACTION). NO ACTION is checked after the
-- statement's cascades, so deleting the whole tenant, which also removes the
-- logs through ai_usage_logs_tenant_id_fkey, succeeds.
ALTER TABLE public.ai_usage_logs ADD CONSTRAINT ai_usage_logs_user_id_fkey
    FOREIGN KEY (tenant_id, user_id) REFERENCES public.users (tenant_id, id)
    ON DELETE SET NULL (user_id);
ALTER TABLE public.ai_usage_logs ADD CONSTRAINT ai_usage_logs_project_id_fkey
    FOREIGN KEY (tenant_id, project_id) REFERENCES public.projects (tenant_id, id)
    ON DELETE NO ACTION;
