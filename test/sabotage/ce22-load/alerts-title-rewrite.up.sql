-- Sabotage (ce22.load.006_alerts_title_rewrite): a column type change with a USING expression rewrites
-- the whole populated alerts table (and rebuilds its indexes) under ACCESS EXCLUSIVE, so every tenant
-- request to alerts waits for the rewrite.
ALTER TABLE public.alerts ALTER COLUMN title TYPE varchar(300) USING left(title, 300);
