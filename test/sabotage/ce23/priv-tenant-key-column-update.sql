-- Sabotage (ce23.privileges.<table>.tenant-key-update, with no acceptance configured): UPDATE is
-- narrowed to the columns a user edits, but tenant_id is among them.
REVOKE UPDATE ON public.stakeholders FROM c2pro_app;
GRANT UPDATE (name, tenant_id) ON public.stakeholders TO c2pro_app;
