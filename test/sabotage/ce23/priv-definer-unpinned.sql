-- Sabotage (ce23.privileges.security-definer-search-path): a SECURITY DEFINER helper that reads no
-- tenant table (so no leak-path check sees it) but pins no search_path: the caller can shadow
-- lower() with its own function, which then runs as the owner.
CREATE FUNCTION public.normalise_label(label text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
AS $$ SELECT lower(label) $$;
