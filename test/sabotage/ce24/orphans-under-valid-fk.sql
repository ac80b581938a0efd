-- Sabotage (ce24.fk.orphans.clauses_document_id_fkey): with session_replication_role = replica
-- (what a careless bulk load or logical-replication apply does) the foreign-key triggers do not
-- fire, so clauses of a document that does not exist are written while the key stays VALID.
SET session_replication_role = replica;
INSERT INTO tenants (id, name) VALUES ('5ab07a9e-0000-4000-8000-000000000003', 'Sabotage tenant');
INSERT INTO clauses (tenant_id, document_id, clause_number, content)
SELECT '5ab07a9e-0000-4000-8000-000000000003', '5ab07a9e-0000-4000-8000-00000000dead', n::text, 'Clause of nothing'
  FROM generate_series(1, 3) n;
RESET session_replication_role;
