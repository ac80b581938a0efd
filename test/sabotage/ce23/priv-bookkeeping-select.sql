-- Sabotage (ce23.privileges.bookkeeping-tables): the application can read the migration history.
GRANT SELECT ON public.migration_gate_history TO c2pro_app;
