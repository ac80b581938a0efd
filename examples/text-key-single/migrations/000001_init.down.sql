DROP TABLE billing.subscriptions;
DROP TABLE events;
DROP TABLE notes;
DROP TABLE notebooks;
DROP FUNCTION app.current_tenant();
DROP FUNCTION app.set_tenant(text);
DROP SCHEMA billing;
DROP SCHEMA app;
