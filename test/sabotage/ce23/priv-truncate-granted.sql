-- Sabotage (ce23.privileges.documents.outside-rls): TRUNCATE is not subject to row-level security;
-- with it the application empties every tenant's documents in one statement.
GRANT TRUNCATE ON public.documents TO c2pro_app;
