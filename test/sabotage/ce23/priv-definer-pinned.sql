-- Clean negative (ce23.privileges.security-definer-search-path): the same helper with its
-- search_path pinned, and one without a pin that the application cannot execute.
CREATE FUNCTION public.normalise_label(label text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT lower(label) $$;
CREATE FUNCTION public.admin_only_label(label text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
AS $$ SELECT lower(label) $$;
REVOKE EXECUTE ON FUNCTION public.admin_only_label(text) FROM PUBLIC;
