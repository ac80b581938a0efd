-- Sabotage (ce25.integrity.future-timestamps.tenants): a row stamped a day ahead.
INSERT INTO tenants (name, created_at, updated_at)
VALUES ('Tenant from tomorrow', now() + interval '1 day', now() + interval '1 day');
