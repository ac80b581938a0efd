-- migrate:up
-- Organisations are the tenants: each row is one tenant, keyed by a serial integer.
CREATE TABLE orgs (
    id         serial PRIMARY KEY,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
    id         serial PRIMARY KEY,
    org_id     integer NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    email      text NOT NULL CHECK (position('@' IN email) > 1),
    role       text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, email),
    -- Target of tenant-consistent references: (org_id, id) pins a member to its org.
    UNIQUE (org_id, id)
);

-- migrate:down
DROP TABLE members;
DROP TABLE orgs;
