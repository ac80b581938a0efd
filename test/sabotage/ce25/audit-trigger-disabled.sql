-- Sabotage (ce25.integrity.audit.clauses): the audit trigger of migration 005 is disabled on clauses.
ALTER TABLE clauses DISABLE TRIGGER clauses_audit_row_change;
