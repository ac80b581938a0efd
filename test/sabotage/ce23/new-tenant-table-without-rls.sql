-- A later migration adds a tenant table (no fixture factory knows it) and forgets RLS.
CREATE TABLE public.invoices (
    id         uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid          NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    project_id uuid          NOT NULL,
    number     text          NOT NULL,
    amount     numeric(12,2) NOT NULL CHECK (amount >= 0),
    status     text          NOT NULL CHECK (status IN ('draft', 'sent', 'paid')),
    issued_on  date          NOT NULL,
    created_at timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT invoices_tenant_id_number_key UNIQUE (tenant_id, number),
    FOREIGN KEY (tenant_id, project_id) REFERENCES public.projects (tenant_id, id) ON DELETE CASCADE
);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.invoices TO c2pro_app;
