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
