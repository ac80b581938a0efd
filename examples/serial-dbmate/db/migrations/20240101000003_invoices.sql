-- migrate:up
CREATE TABLE invoices (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       integer NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    member_id    integer,
    number       text NOT NULL,
    amount_cents integer NOT NULL CHECK (amount_cents >= 0),
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'paid')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, number),
    -- The org key is part of the reference, so an invoice can only name a member of its own org.
    CONSTRAINT invoices_org_member_fkey FOREIGN KEY (org_id, member_id)
        REFERENCES members (org_id, id) ON DELETE SET NULL (member_id)
);
CREATE INDEX invoices_org_member_idx ON invoices (org_id, member_id);

GRANT SELECT, INSERT, DELETE ON invoices TO acme_app;
GRANT UPDATE (member_id, number, amount_cents, status, updated_at) ON invoices TO acme_app;

ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;

-- Written another way than the other tables: the setting read once per statement through a
-- scalar subquery (an InitPlan), which is the fast form on large tables.
CREATE POLICY invoices_own_org ON invoices TO acme_app
    USING (org_id = (SELECT nullif(current_setting('app.org_id', true), '')::integer))
    WITH CHECK (org_id = (SELECT nullif(current_setting('app.org_id', true), '')::integer));

-- migrate:down
DROP TABLE invoices;
