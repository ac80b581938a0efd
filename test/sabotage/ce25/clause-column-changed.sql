-- Sabotage (ce25.integrity.columns.clauses): clause_number becomes varchar(20) instead of text.
ALTER TABLE clauses ALTER COLUMN clause_number TYPE varchar(20);
