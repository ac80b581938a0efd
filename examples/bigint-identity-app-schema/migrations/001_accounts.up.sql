-- Base: the app schema, the application role, shared types, the accounts (tenant) table.
CREATE SCHEMA app;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_app') THEN
        CREATE ROLE ledger_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA app TO ledger_app;

CREATE TYPE app.plan_tier AS ENUM ('free', 'team', 'enterprise');
CREATE DOMAIN app.slug AS text CHECK (VALUE ~ '^[a-z][a-z0-9-]{2,30}$');

CREATE TABLE app.accounts (
    id         bigint GENERATED ALWAYS AS IDENTITY (START WITH 9007199254740993) PRIMARY KEY,
    slug       app.slug NOT NULL UNIQUE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    tier       app.plan_tier NOT NULL DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT ON app.accounts TO ledger_app;
GRANT UPDATE (name) ON app.accounts TO ledger_app;

ALTER TABLE app.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY accounts_isolation ON app.accounts TO ledger_app
    USING (id = current_setting('app.account_id', true)::bigint)
    WITH CHECK (id = current_setting('app.account_id', true)::bigint);

-- Keeps updated_at honest (security invoker, pinned search_path).
CREATE FUNCTION app.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
