-- Sabotage (ce25.integrity.null-tenant-key.ai_usage_logs): NOT NULL dropped and a row without tenant written.
ALTER TABLE ai_usage_logs ALTER COLUMN tenant_id DROP NOT NULL;
INSERT INTO ai_usage_logs (tenant_id, model, tokens_in, tokens_out) VALUES (NULL, 'orphan-model', 1, 1);
