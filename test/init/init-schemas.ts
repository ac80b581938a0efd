/** Small team schemas for the `init` tests; `{role}` is the project's unique application role. */

const CREATE_ROLE = `DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
    CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;
`;

/** uuid tenant key, a tenants table the key references, every table forced. */
export const UUID_WITH_TENANTS: Readonly<Record<string, string>> = {
  '001_tenants.up.sql': `${CREATE_ROLE}
CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
GRANT SELECT, INSERT ON tenants TO {role};
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_self ON tenants TO {role}
  USING (id = nullif(current_setting('app.tenant_id', true), '')::uuid);
`,
  '001_tenants.down.sql': 'DROP TABLE tenants;\n',
  '002_projects.up.sql': `CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL
);
CREATE INDEX projects_tenant_idx ON projects (tenant_id);
GRANT SELECT, INSERT, DELETE ON projects TO {role};
GRANT UPDATE (name) ON projects TO {role};
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON projects TO {role}
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
`,
  '002_projects.down.sql': 'DROP TABLE projects;\n',
};

/** text key `org_id`, no tenants table, a JSON claim of request.jwt.claims; one of two tables forced. */
export const TEXT_KEY_JSON_CLAIM: Readonly<Record<string, string>> = {
  '20240101000000_notes.sql': `-- migrate:up
${CREATE_ROLE}
CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id text NOT NULL, body text NOT NULL);
CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id text NOT NULL, note_id bigint REFERENCES notes (id), label text);
GRANT SELECT, INSERT ON notes, tags TO {role};
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
ALTER TABLE tags ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_org ON notes TO {role}
  USING (org_id = (current_setting('request.jwt.claims', true)::json ->> 'org_id'));
CREATE POLICY tags_org ON tags TO {role}
  USING (org_id = (current_setting('request.jwt.claims', true)::jsonb ->> 'org_id'));

-- migrate:down
DROP TABLE tags;
DROP TABLE notes;
`,
};

/** Nothing to guess from: no tenant-like column, no policy, no grant. */
export const NOTHING_TO_GUESS: Readonly<Record<string, string>> = {
  'V1__things.sql': 'CREATE TABLE things (id serial PRIMARY KEY, label text NOT NULL);\n',
  'U1__things.sql': 'DROP TABLE things;\n',
};

/** bigint key in a schema of its own (`app`): the migrator's bookkeeping stays in public. */
export const APP_SCHEMA_BIGINT: Readonly<Record<string, string>> = {
  '001_app.up.sql': `${CREATE_ROLE}
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO {role};
CREATE TABLE app.accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE TABLE app.notes (
  account_id bigint NOT NULL REFERENCES app.accounts (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  body text NOT NULL,
  PRIMARY KEY (account_id, id)
);
GRANT SELECT ON app.accounts TO {role};
GRANT SELECT, INSERT ON app.notes TO {role};
ALTER TABLE app.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.accounts FORCE ROW LEVEL SECURITY;
ALTER TABLE app.notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.notes FORCE ROW LEVEL SECURITY;
CREATE POLICY accounts_self ON app.accounts TO {role}
  USING (id = current_setting('app.account_id', true)::bigint);
CREATE POLICY notes_account ON app.notes TO {role}
  USING (account_id = current_setting('app.account_id', true)::bigint)
  WITH CHECK (account_id = current_setting('app.account_id', true)::bigint);
`,
  '001_app.down.sql': 'DROP SCHEMA app CASCADE;\n',
};

/** uuid key, the tenant read through a helper function the policies call: `(SELECT app_current_tenant())`. */
export const SETTING_THROUGH_FUNCTION: Readonly<Record<string, string>> = {
  '001_tasks.up.sql': `${CREATE_ROLE}
CREATE FUNCTION app_current_tenant() RETURNS uuid LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.tenant', true), '')::uuid $$;
CREATE TABLE tasks (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant_id uuid NOT NULL, title text NOT NULL);
GRANT SELECT, INSERT ON tasks TO {role};
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_select ON tasks FOR SELECT TO {role} USING (tenant_id = (SELECT app_current_tenant()));
CREATE POLICY tasks_insert ON tasks FOR INSERT TO {role} WITH CHECK (tenant_id = (SELECT app_current_tenant()));
`,
  '001_tasks.down.sql': 'DROP TABLE tasks;\nDROP FUNCTION app_current_tenant();\n',
};
