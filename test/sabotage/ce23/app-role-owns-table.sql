-- The application role made owner of a tenant table: it may ALTER TABLE … DISABLE ROW LEVEL SECURITY.
ALTER TABLE public.bom_items OWNER TO c2pro_app;
