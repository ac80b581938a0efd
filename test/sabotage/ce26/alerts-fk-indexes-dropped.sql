-- Sabotage (ce26.perf.query.list.alerts, ce26.perf.query.analysis-with-alerts): the indexes behind the
-- keys of alerts are dropped, so every per-tenant read of alerts becomes a Seq Scan of the whole table.
DROP INDEX idx_alerts_tenant_id_analysis_id, idx_alerts_analysis_id, idx_alerts_tenant_id_source_clause_id;
