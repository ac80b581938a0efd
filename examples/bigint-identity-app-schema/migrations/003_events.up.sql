-- Events: hash-partitioned by tenant. RLS on the parent; the application role is granted only the
-- parent, so it cannot reach a partition directly (partitions carry no grant and no policy).
CREATE TABLE app.events (
    account_id bigint NOT NULL REFERENCES app.accounts (id) ON DELETE CASCADE,
    id         bigint GENERATED ALWAYS AS IDENTITY (START WITH 9007199254740993),
    project_id bigint,
    kind       text NOT NULL CHECK (kind IN ('created', 'updated', 'deleted', 'commented')),
    payload    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    CONSTRAINT events_project_fkey FOREIGN KEY (account_id, project_id)
        REFERENCES app.projects (account_id, id) ON DELETE CASCADE
) PARTITION BY HASH (account_id);
CREATE TABLE app.events_p0 PARTITION OF app.events FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE app.events_p1 PARTITION OF app.events FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE app.events_p2 PARTITION OF app.events FOR VALUES WITH (MODULUS 3, REMAINDER 2);
CREATE INDEX events_project_idx ON app.events (account_id, project_id);
CREATE INDEX events_created_idx ON app.events (account_id, created_at);

GRANT SELECT, INSERT ON app.events TO ledger_app;

ALTER TABLE app.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_isolation ON app.events TO ledger_app
    USING (account_id = current_setting('app.account_id', true)::bigint)
    WITH CHECK (account_id = current_setting('app.account_id', true)::bigint);

-- A view the application reads, evaluated with the caller's rights (RLS applies).
CREATE VIEW app.open_tasks WITH (security_invoker = true) AS
    SELECT account_id, id, project_id, assignee_id, title, status, tags
    FROM app.tasks WHERE status <> 'done';
GRANT SELECT ON app.open_tasks TO ledger_app;

-- No primary key: rows are identified by a unique key over NOT NULL columns.
CREATE TABLE app.task_labels (
    account_id bigint NOT NULL,
    task_id    bigint NOT NULL,
    label      text NOT NULL CHECK (length(label) BETWEEN 1 AND 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT task_labels_unique UNIQUE (account_id, task_id, label),
    CONSTRAINT task_labels_task_fkey FOREIGN KEY (account_id, task_id)
        REFERENCES app.tasks (account_id, id) ON DELETE CASCADE
);
GRANT SELECT, INSERT, DELETE ON app.task_labels TO ledger_app;
ALTER TABLE app.task_labels ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.task_labels FORCE ROW LEVEL SECURITY;
CREATE POLICY task_labels_isolation ON app.task_labels TO ledger_app
    USING (account_id = current_setting('app.account_id', true)::bigint)
    WITH CHECK (account_id = current_setting('app.account_id', true)::bigint);
