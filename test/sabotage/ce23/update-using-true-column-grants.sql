-- The application may update some columns of stakeholders, never its tenant key (column grants), and
-- a per-command UPDATE policy checks nothing. An UPDATE of the tenant key is refused on privilege, but
-- `UPDATE stakeholders SET organization = NULL` reaches every tenant's rows: the probe must set a
-- column the role may update, not only the tenant key.
REVOKE UPDATE ON public.stakeholders FROM c2pro_app;
GRANT UPDATE (name, organization, email) ON public.stakeholders TO c2pro_app;
CREATE POLICY stakeholders_bulk_edit ON public.stakeholders AS PERMISSIVE FOR UPDATE TO c2pro_app USING (true);
