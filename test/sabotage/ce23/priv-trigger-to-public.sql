-- Sabotage (ce23.privileges.clauses.outside-rls): TRIGGER granted to PUBLIC, which the application
-- role is part of; a trigger it creates runs its code on every tenant's clauses.
GRANT TRIGGER ON public.clauses TO PUBLIC;
