-- The leak: one partition granted directly. A query naming it is checked against its own policies
-- (none, RLS off), not the parent's: tenant A reads every tenant's events in it.
GRANT SELECT ON public.events_p0 TO c2pro_app;
