-- Users, projects and tasks: composite (account_id, id) keys, composite tenant-carrying FKs.
CREATE TYPE app.task_status AS ENUM ('todo', 'doing', 'blocked', 'done');

CREATE TABLE app.users (
    account_id   bigint NOT NULL REFERENCES app.accounts (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY (START WITH 9007199254740993),
    email        text NOT NULL CHECK (email LIKE '%_@_%'),
    display_name text NOT NULL,
    roles        text[] NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id)
);
-- Email is unique per account, case-insensitively.
CREATE UNIQUE INDEX users_account_email_uq ON app.users (account_id, lower(email));

CREATE TABLE app.projects (
    account_id bigint NOT NULL REFERENCES app.accounts (id) ON DELETE CASCADE,
    id         bigint GENERATED ALWAYS AS IDENTITY (START WITH 9007199254740993),
    owner_id   bigint NOT NULL,
    slug       app.slug NOT NULL,
    name       text NOT NULL,
    settings   jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
    budget     numeric(12, 2) NOT NULL DEFAULT 0 CHECK (budget >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    CONSTRAINT projects_slug_uq UNIQUE (account_id, slug),
    CONSTRAINT projects_owner_fkey FOREIGN KEY (account_id, owner_id)
        REFERENCES app.users (account_id, id)
);
CREATE INDEX projects_owner_idx ON app.projects (account_id, owner_id);
CREATE TRIGGER projects_touch BEFORE UPDATE ON app.projects
    FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

CREATE TABLE app.tasks (
    account_id     bigint NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY (START WITH 9007199254740993),
    project_id     bigint NOT NULL,
    assignee_id    bigint,
    title          text NOT NULL,
    status         app.task_status NOT NULL DEFAULT 'todo',
    priority       smallint NOT NULL CHECK (priority BETWEEN 1 AND 5),
    weight         numeric(3, 2) NOT NULL CHECK (weight >= 0.5 AND weight < 1),
    tags           text[] NOT NULL DEFAULT '{}',
    estimate_hours numeric(6, 2) CHECK (estimate_hours > 0),
    hourly_rate    numeric(8, 2) NOT NULL DEFAULT 0 CHECK (hourly_rate >= 0),
    cost           numeric GENERATED ALWAYS AS (coalesce(estimate_hours, 0) * hourly_rate) STORED,
    metadata       jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    CONSTRAINT tasks_project_fkey FOREIGN KEY (account_id, project_id)
        REFERENCES app.projects (account_id, id) ON DELETE CASCADE,
    CONSTRAINT tasks_assignee_fkey FOREIGN KEY (account_id, assignee_id)
        REFERENCES app.users (account_id, id) ON DELETE SET NULL (assignee_id)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX tasks_project_idx ON app.tasks (account_id, project_id);
CREATE INDEX tasks_assignee_idx ON app.tasks (account_id, assignee_id);
CREATE INDEX tasks_tags_idx ON app.tasks USING gin (tags);
CREATE TRIGGER tasks_touch BEFORE UPDATE ON app.tasks
    FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

GRANT SELECT, INSERT, DELETE ON app.users, app.projects, app.tasks TO ledger_app;
GRANT UPDATE (email, display_name, roles) ON app.users TO ledger_app;
GRANT UPDATE (owner_id, name, settings, budget) ON app.projects TO ledger_app;
GRANT UPDATE (project_id, assignee_id, title, status, priority, weight, tags, estimate_hours, hourly_rate, metadata)
    ON app.tasks TO ledger_app;

ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.users FORCE ROW LEVEL SECURITY;
ALTER TABLE app.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.projects FORCE ROW LEVEL SECURITY;
ALTER TABLE app.tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.tasks FORCE ROW LEVEL SECURITY;

CREATE POLICY users_isolation ON app.users TO ledger_app
    USING (account_id = current_setting('app.account_id', true)::bigint)
    WITH CHECK (account_id = current_setting('app.account_id', true)::bigint);
CREATE POLICY projects_isolation ON app.projects TO ledger_app
    USING (account_id = current_setting('app.account_id', true)::bigint)
    WITH CHECK (account_id = current_setting('app.account_id', true)::bigint);
CREATE POLICY tasks_isolation ON app.tasks TO ledger_app
    USING (account_id = current_setting('app.account_id', true)::bigint)
    WITH CHECK (account_id = current_setting('app.account_id', true)::bigint);
