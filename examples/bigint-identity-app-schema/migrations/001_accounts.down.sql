DROP FUNCTION app.touch_updated_at();
DROP TABLE app.accounts;
DROP DOMAIN app.slug;
DROP TYPE app.plan_tier;
REVOKE USAGE ON SCHEMA app FROM ledger_app;
DROP SCHEMA app;
