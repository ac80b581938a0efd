-- A SECURITY DEFINER helper returning every project: runs as its owner, past every policy.
-- EXECUTE is granted to PUBLIC by default, so the application role may call it.
CREATE FUNCTION public.all_projects() RETURNS SETOF public.projects
    LANGUAGE sql STABLE SECURITY DEFINER
AS $$ SELECT * FROM public.projects $$;
