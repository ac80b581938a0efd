-- Sabotage (ce24.fk.critical.alerts_analysis_id_fkey, ce25.integrity.linkage.alerts.*): the alert
-- keys are dropped and an alert naming an analysis and a clause that do not exist is written.
ALTER TABLE alerts DROP CONSTRAINT alerts_analysis_id_fkey;
ALTER TABLE alerts DROP CONSTRAINT alerts_source_clause_id_fkey;
INSERT INTO tenants (id, name) VALUES ('5ab07a9e-0000-4000-8000-000000000002', 'Sabotage tenant');
INSERT INTO alerts (tenant_id, analysis_id, source_clause_id, severity, title)
VALUES ('5ab07a9e-0000-4000-8000-000000000002', '5ab07a9e-0000-4000-8000-00000000dead',
        '5ab07a9e-0000-4000-8000-00000000beef', 'high', 'Alert of nothing');
