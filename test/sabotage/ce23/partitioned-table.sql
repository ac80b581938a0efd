-- A partitioned tenant table written correctly: RLS enabled and forced on the parent, the
-- application granted the parent only (its partitions are reached through it).
CREATE TABLE public.events (
    tenant_id uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    kind text NOT NULL,
    PRIMARY KEY (tenant_id, id)
) PARTITION BY HASH (tenant_id);
CREATE TABLE public.events_p0 PARTITION OF public.events FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.events_p1 PARTITION OF public.events FOR VALUES WITH (MODULUS 2, REMAINDER 1);
ALTER TABLE public.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_tenant_isolation ON public.events TO c2pro_app
    USING (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.events TO c2pro_app;
