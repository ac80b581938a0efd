ALTER TABLE public.alerts ALTER COLUMN title TYPE text;
