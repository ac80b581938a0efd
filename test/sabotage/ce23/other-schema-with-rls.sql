-- Clean negative: the same second-schema tenant table, protected as the rest are.
CREATE SCHEMA archive;
CREATE TABLE archive.old_documents (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, body text);
GRANT USAGE ON SCHEMA archive TO c2pro_app;
GRANT SELECT ON archive.old_documents TO c2pro_app;
ALTER TABLE archive.old_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE archive.old_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY old_documents_tenant ON archive.old_documents TO c2pro_app
    USING (tenant_id = (SELECT nullif(current_setting('app.current_tenant', true), '')::uuid));
