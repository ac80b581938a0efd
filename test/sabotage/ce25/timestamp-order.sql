-- Sabotage (ce25.integrity.timestamp-order.tenants): a row modified an hour before it was created.
INSERT INTO tenants (name, created_at, updated_at)
VALUES ('Time traveller', now() - interval '1 hour', now() - interval '2 hours');
