-- Sabotage (ce25.integrity.timestamp-columns): a tenant table loses its updated_at column.
ALTER TABLE bom_items DROP COLUMN updated_at;
