-- A tenant table in a second schema, created without row-level security.
CREATE SCHEMA archive;
CREATE TABLE archive.old_documents (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, body text);
GRANT USAGE ON SCHEMA archive TO c2pro_app;
GRANT SELECT ON archive.old_documents TO c2pro_app;
