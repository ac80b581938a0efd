-- Sabotage (ce25.integrity.insert-visible.clauses): the isolation policy is replaced by one that
-- lets the application insert clauses but never read them back.
DROP POLICY clauses_tenant_isolation ON clauses;
CREATE POLICY clauses_insert_only ON clauses AS PERMISSIVE FOR INSERT TO c2pro_app
    WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
